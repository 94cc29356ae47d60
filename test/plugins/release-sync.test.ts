// Two instances on one database: a publish is announced with NOTIFY and both swap in the new release,
// without a restart and well within a second. Reads in between come from memory, answers from the cache.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('a publish reaches every instance within a second', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  const first = await build(t, { database, releasePollMs: 0 })
  const second = await build(t, { database, releasePollMs: 0 })
  for (const app of [first, second]) t.equal((await app.inject('/v1/risks/low-risk')).json().version, 1)

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Announced by NOTIFY.' } })
  const started = Date.now()
  await publishSeedsDir(database, seeds)
  const waitFor = async (app: typeof first) => {
    while (Date.now() - started < 1000) {
      const body = (await app.inject('/v1/risks/low-risk')).json()
      if (body.version === 2) return body
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return null
  }
  const [a, b] = await Promise.all([waitFor(first), waitFor(second)])
  t.match(a, { version: 2, summary: 'Announced by NOTIFY.', release: 2 }, 'first instance')
  t.match(b, { version: 2, summary: 'Announced by NOTIFY.', release: 2 }, 'second instance')
  t.ok(Date.now() - started < 1000, `both within ${Date.now() - started} ms`)
})

test('the response cache answers repeated reads from memory and never serves a stale release', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database, releasePollMs: 0 })
  const url = '/v1/conditions/alpha-disorder?include=risks'
  const cold = await app.inject(url)
  const hitsBefore = app.responseCache.hits
  const warm = await app.inject(url)
  t.equal(app.responseCache.hits, hitsBefore + 1, 'the second read is a cache hit')
  t.equal(warm.body, cold.body)
  for (const header of ['etag', 'content-type', 'content-language', 'cache-control', 'surrogate-key', 'last-modified']) {
    t.equal(warm.headers[header], cold.headers[header], `${header} is the same on a hit`)
  }
  t.equal((await app.inject({ url, headers: { 'if-none-match': cold.headers.etag as string } })).statusCode, 304, '304 from the cache')
  const spanish = await app.inject({ url, headers: { 'accept-language': 'es' } })
  t.equal(spanish.json().locale, 'es', 'the negotiated locale is part of the key')

  await seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { evidenceStatus: 'approved', summary: 'Release two text.', related: [{ type: 'risk', slug: 'low-risk' }, { type: 'risk', slug: 'high-risk' }, { type: 'mechanism', slug: 'gate-blocking' }] } })
  await publishSeedsDir(database, seeds)
  await app.releases.refresh()
  const after = await app.inject(url)
  t.equal(after.json().summary, 'Release two text.')
  t.not(after.headers.etag, cold.headers.etag)
  t.ok(app.responseCache.size.entries <= 2, 'the swap dropped the old entries')
  t.equal((await app.inject(`${url}&release=1`)).json().summary, 'A short summary of alpha-disorder.')
})

test('GraphQL answers without errors are cached per release; answers with errors are not', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database, releasePollMs: 0 })
  const ask = (query: string) => app.inject({ method: 'POST', url: '/graphql', payload: { query } })
  const query = '{ risk(slug: "low-risk") { summary version } }'
  const first = await ask(query)
  const hits = app.graphqlCache.hits
  const second = await ask(query)
  t.equal(app.graphqlCache.hits, hits + 1)
  t.equal(second.body, first.body)
  await ask('{ conditions(first: 500) { nodes { slug } } }')
  await ask('{ conditions(first: 500) { nodes { slug } } }')
  t.equal(app.graphqlCache.size.entries, 1, 'the error answer was not kept')

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'New in release two.' } })
  await publishSeedsDir(database, seeds)
  await app.releases.refresh()
  t.same((await ask(query)).json().data.risk, { summary: 'New in release two.', version: 2 })
})
