// Compressed answers: brotli or gzip as the client accepts, one ETag per encoding, 304s body-less, bodies kept
// by the caches compressed once and equal, once decoded, to the identity answer.
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { etagForEncoding, negotiateEncoding } from '../../src/plugins/app/compression.js'

test('Accept-Encoding negotiation prefers br, then gzip, and honours q=0', async (t) => {
  const cases: Array<[string | undefined, string | null]> = [
    [undefined, null], ['', null], ['identity', null], ['gzip', 'gzip'], ['br', 'br'], ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'], ['br;q=0, gzip;q=0', null], ['*', 'br'], ['*;q=0.5, br;q=0', 'gzip'], ['GZIP', 'gzip'], ['deflate', null]
  ]
  for (const [header, expected] of cases) t.equal(negotiateEncoding(header), expected, `${header ?? '(none)'} → ${expected ?? 'identity'}`)
})

test('entity, list and GraphQL answers are compressed, cached or not, and decode to the identity bytes', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const url = '/v1/conditions/alpha-disorder?include=risks,mechanisms'
  const identity = await app.inject({ url })
  t.equal(identity.statusCode, 200)
  t.notOk(identity.headers['content-encoding'], 'no Accept-Encoding: identity')
  t.match(String(identity.headers.vary), /accept-encoding/i, 'Vary names Accept-Encoding even for identity')
  const etag = identity.headers.etag as string

  for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
    // The first of each is served from the response cache already filled by the identity read.
    for (const attempt of ['first', 'second']) {
      const response = await app.inject({ url, headers: { 'accept-encoding': encoding } })
      t.equal(response.headers['content-encoding'], encoding, `${encoding} (${attempt})`)
      t.equal(response.headers.etag, etagForEncoding(etag, encoding), 'an ETag of its own per encoding')
      t.match(String(response.headers.vary), /accept-language/i, 'the locale Vary is kept')
      t.match(String(response.headers.vary), /accept-encoding/i)
      t.ok(response.rawPayload.length < identity.rawPayload.length / 2, `${response.rawPayload.length} bytes < half of ${identity.rawPayload.length}`)
      t.equal(decode(response.rawPayload).toString('utf8'), identity.payload, 'decodes to exactly the identity body')
      t.equal(Number(response.headers['content-length']), response.rawPayload.length)
    }
    const revalidated = await app.inject({ url, headers: { 'accept-encoding': encoding, 'if-none-match': etagForEncoding(etag, encoding) } })
    t.equal(revalidated.statusCode, 304, 'the encoded ETag revalidates')
    t.equal(revalidated.rawPayload.length, 0, '304 has no body')
    t.notOk(revalidated.headers['content-encoding'])
  }
  t.equal((await app.inject({ url, headers: { 'if-none-match': etagForEncoding(etag, 'br') } })).statusCode, 304, 'a client holding the br bytes holds the representation')
  t.equal((await app.inject({ url })).headers.etag, etag, 'the identity ETag never changes')

  // An uncached answer (a version history) is compressed as it is sent.
  const uncached = await app.inject({ url: '/v1/risks?fields=title,summary,sections', headers: { 'accept-encoding': 'gzip' } })
  t.equal(uncached.statusCode, 200)
  t.equal(uncached.headers['content-encoding'], 'gzip')
  const plain = await app.inject({ url: '/v1/risks?fields=title,summary,sections' })
  t.equal(gunzipSync(uncached.rawPayload).toString('utf8'), plain.payload)

  const everything = (field: string) => `${field}(first: 20) { edges { node { slug title summary sections { heading body } sources { title authors publisher } } } }`
  const query = JSON.stringify({ query: `{ ${['topics', 'conditions', 'risks', 'mechanisms'].map(everything).join(' ')} }` })
  for (const attempt of ['miss', 'hit']) {
    const graphql = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'accept-encoding': 'br' }, payload: query })
    t.equal(graphql.statusCode, 200, `GraphQL (${attempt})`)
    t.equal(graphql.headers['content-encoding'], 'br')
    t.ok(brotliDecompressSync(graphql.rawPayload).length >= 1024, 'an answer over the threshold')
    t.ok(JSON.parse(brotliDecompressSync(graphql.rawPayload).toString('utf8')).data.conditions.edges.length > 0)
  }

  const small = await app.inject({ url: '/health/live', headers: { 'accept-encoding': 'br' } })
  t.notOk(small.headers['content-encoding'], 'bodies under 1 KiB are sent as they are')
  t.same(small.json(), { status: 'ok' })
})
