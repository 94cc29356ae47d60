// Reliability B3: the GraphQL over HTTP audit of the graphql-http package, run against the real server.
import { test } from 'tap'
import { auditServer } from 'graphql-http'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('graphql-http auditServer: every MUST passes', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const results = await auditServer({ url: `${address}/graphql` })
  const must = results.filter((result) => result.name.startsWith('MUST'))
  t.ok(must.length > 10, `${must.length} MUST checks ran`)
  for (const result of must) {
    t.equal(result.status, 'ok', `${result.name}${result.status === 'ok' ? '' : `: ${'reason' in result ? String(result.reason) : ''}`}`)
  }
  const shouldFailures = results.filter((result) => result.name.startsWith('SHOULD') && result.status !== 'ok')
  t.comment(`SHOULD not met (${shouldFailures.length}): ${shouldFailures.map((result) => result.name).join('; ')}`)
})
