// The 304 is decided after the answer caches have kept the answer (src/plugins/app/freshness.ts): a client that
// only ever revalidates still fills the cache, and its later revalidations are answered from memory.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('a conditional request that misses the cache fills it; the next one is a hit, and both are 304s', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  // The ETag from another instance: the client has it from a CDN or an earlier visit, this instance's cache is cold.
  const other = await build(t, { database })
  const full = await other.inject('/v1/risks/low-risk')
  const etag = full.headers.etag as string
  const app = await build(t, { database })
  t.equal(app.responseCache.size.entries, 0)

  const first = await app.inject({ url: '/v1/risks/low-risk', headers: { 'if-none-match': etag } })
  t.equal(first.statusCode, 304)
  t.equal(first.body, '')
  t.equal(first.headers.etag, etag)
  t.equal(first.headers['content-type'], undefined)
  t.equal(app.responseCache.size.entries, 1, 'the full answer was kept although the client got a 304')
  t.equal(app.responseCache.misses, 1)

  const second = await app.inject({ url: '/v1/risks/low-risk', headers: { 'if-none-match': etag } })
  t.equal(second.statusCode, 304)
  t.equal(app.responseCache.hits, 1, 'the revalidation was answered from memory')
  // Vary is left out: a 304 from the cache names Accept-Encoding and one from a miss does not, as before this change.
  const same = (headers: Record<string, unknown>) => ({ ...headers, date: '', 'ratelimit-remaining': '', 'ratelimit-reset': '', 'x-request-id': '', vary: '' })
  t.same(same(second.headers), same(first.headers), 'the same 304')

  const plain = await app.inject('/v1/risks/low-risk')
  t.equal(plain.statusCode, 200)
  t.equal(plain.body, full.body, 'the kept answer is the full one')
  t.equal(plain.headers.etag, etag)
  t.equal(plain.headers['content-type'], full.headers['content-type'])

  const stale = await app.inject({ url: '/v1/risks/low-risk', headers: { 'if-none-match': '"something-else"' } })
  t.equal(stale.statusCode, 200, 'a stale validator gets the answer')
})
