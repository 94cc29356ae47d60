// Trusted documents (GRAPHQL_TRUSTED_DOCUMENTS=on): only the documents registered at start run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { sha256Hex } from '../../src/graphql/http.js'
import { loadConfig } from '../../src/config.js'

test('trusted documents: only registered documents run', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'kca-trusted-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  const risks = 'query Risks { risks { nodes { slug } } }'
  const alpha = 'query Alpha { condition(slug: "alpha-disorder") { title } }'
  await writeFile(join(directory, 'risks.graphql'), risks)
  await writeFile(join(directory, 'manifest.json'), JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256Hex(alpha), name: 'Alpha', type: 'query', body: alpha }] }))
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { GRAPHQL_TRUSTED_DOCUMENTS: 'on', GRAPHQL_TRUSTED_DOCUMENTS_PATH: directory } })
  const byHash = (query: string) => app.inject({ url: `/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } }))}` })

  const fromFile = await byHash(risks)
  t.equal(fromFile.statusCode, 200)
  t.same(fromFile.json().data.risks.nodes.map((node: { slug: string }) => node.slug), ['high-risk', 'low-risk'])
  t.equal((await byHash(alpha)).json().data.condition.title, 'Title of alpha-disorder', 'from the Apollo manifest')
  t.equal((await app.inject({ method: 'POST', url: '/graphql', payload: { query: risks } })).statusCode, 200, 'a registered document may also be sent as text')

  const other = '{ risks { nodes { slug title } } }'
  const text = await app.inject({ method: 'POST', url: '/graphql', payload: { query: other } })
  t.equal(text.statusCode, 403)
  t.equal(text.json().errors[0].extensions.code, 'KCA_ERR_DOCUMENT_NOT_TRUSTED')
  t.equal((await byHash(other)).json().errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND')
  const apq = await app.inject({ method: 'POST', url: '/graphql', payload: { query: other, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(other) } } } })
  t.equal(apq.statusCode, 403, 'automatic registration is off')
  t.equal((await byHash(other)).json().errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND', 'and nothing was registered')
  t.equal((await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __schema { types { name } } }' } })).statusCode, 403, 'introspection is not registered either')

  t.throws(() => loadConfig({ GRAPHQL_TRUSTED_DOCUMENTS: 'on' }), { message: /GRAPHQL_TRUSTED_DOCUMENTS=on needs GRAPHQL_TRUSTED_DOCUMENTS_PATH/ }, 'on without a path stops the start')
  t.throws(() => loadConfig({ GRAPHQL_TRUSTED_DOCUMENTS: 'yes' }), { message: /GRAPHQL_TRUSTED_DOCUMENTS="yes" must be one of on, off/ })
  await writeFile(join(directory, 'wrong.json'), JSON.stringify({ [sha256Hex('{ a }')]: '{ __typename }' }))
  await t.rejects(build(t, { database, config: { GRAPHQL_TRUSTED_DOCUMENTS: 'on', GRAPHQL_TRUSTED_DOCUMENTS_PATH: directory } }), /wrong\.json: ".*" is not the sha256 of its document/)
})
