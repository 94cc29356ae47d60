// Which keys a release purges, and how a purge is sent: batched, authenticated, retried, never thrown.
import { createServer, type IncomingMessage } from 'node:http'
import { test } from 'tap'
import type { TestContext } from '../helper.js'
import { purgeKeys, purgeKeysOf, RELEASE_WIDE_KEYS } from '../../src/cdn/purge.js'

test('a release purges each changed entity, its type list and the release-wide answers, nothing else', async (t) => {
  const keys = purgeKeysOf([{ type: 'risk', slug: 'nausea' }, { type: 'risk', slug: 'nausea' }, { type: 'condition', slug: 'ptsd' }])
  t.same(keys, ['condition/ptsd', 'list/conditions', 'list/risks', 'risk/nausea', ...RELEASE_WIDE_KEYS].sort())
  t.same(purgeKeysOf([]), [], 'no change, no purge')
})

async function receiver (t: TestContext, answer: (request: IncomingMessage, count: number) => number) {
  const seen: Array<{ method: string | undefined, xkey: string | undefined, authorization: string | undefined }> = []
  const server = createServer((request, response) => {
    seen.push({ method: request.method, xkey: request.headers.xkey as string | undefined, authorization: request.headers.authorization })
    response.statusCode = answer(request, seen.length)
    response.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address() as { port: number }
  return { url: `http://127.0.0.1:${address.port}/`, seen }
}

test('a purge is a PURGE with the keys and the bearer token, retried until the CDN accepts it', async (t) => {
  const cdn = await receiver(t, (_request, count) => count < 3 ? 503 : 200)
  const outcome = await purgeKeys({ url: cdn.url, token: 'secret-token-0123456789', sleep: async () => {} }, ['risk/nausea', 'list/risks'])
  t.same(outcome, { keys: ['risk/nausea', 'list/risks'], purged: true, attempts: 3, status: 200 })
  t.same(cdn.seen[0], { method: 'PURGE', xkey: 'risk/nausea list/risks', authorization: 'Bearer secret-token-0123456789' })
})

test('a refused token is not retried, and an unreachable CDN is reported, not thrown', async (t) => {
  const cdn = await receiver(t, () => 401)
  const refused = await purgeKeys({ url: cdn.url, token: 'wrong-token-0123456789', sleep: async () => {} }, ['risk/nausea'])
  t.same({ purged: refused.purged, attempts: refused.attempts, status: refused.status }, { purged: false, attempts: 1, status: 401 })
  const unreachable = await purgeKeys({ url: 'http://127.0.0.1:9/', token: 'any-token-0123456789', attempts: 2, sleep: async () => {} }, ['risk/nausea'])
  t.same({ purged: unreachable.purged, attempts: unreachable.attempts }, { purged: false, attempts: 2 })
})

test('many keys go out in several header-sized batches', async (t) => {
  const cdn = await receiver(t, () => 200)
  const keys = Array.from({ length: 600 }, (_value, index) => `condition/some-long-entity-slug-${index}`)
  const outcome = await purgeKeys({ url: cdn.url, token: 'secret-token-0123456789' }, keys)
  t.ok(outcome.purged)
  t.ok(cdn.seen.length > 1, `${cdn.seen.length} requests`)
  t.same(cdn.seen.flatMap((request) => (request.xkey ?? '').split(' ')), keys, 'every key exactly once, in order')
  t.ok(cdn.seen.every((request) => (request.xkey ?? '').length <= 4000))
})
