import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'tap'
import { testDatabase } from './helper.js'
import { SMALL_CORPUS, seedsDir } from './factories.js'
import { publishSeedsDir } from './publish-helper.js'
import { createAccessRepository } from '../src/repositories/access-repository.js'
import { announceRelease, SIGNATURE_HEADER, signPayload, verifySignature } from '../src/webhooks/deliver.js'

async function receiver (t: { teardown: (fn: () => unknown) => void }, failuresFirst: number) {
  const received: Array<{ headers: IncomingMessage['headers'], body: string }> = []
  let calls = 0
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => { body += chunk })
    request.on('end', () => {
      calls++
      received.push({ headers: request.headers, body })
      response.statusCode = calls <= failuresFirst ? 503 : 204
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received }
}

test('a release is announced, signed, retried with backoff and logged', async (t) => {
  const database = await testDatabase(t)
  const access = createAccessRepository(database.db)
  const flaky = await receiver(t, 2)
  const steady = await receiver(t, 0)
  const flakyEndpoint = await access.insertEndpoint({ url: flaky.url, secret: 'whsec_flaky' })
  await access.insertEndpoint({ url: steady.url, secret: 'whsec_steady' })
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS), 'Announce me')

  const delays: number[] = []
  const results = await announceRelease(database.db, 1, { baseDelayMs: 100, sleep: async (ms) => { delays.push(ms) } })
  t.same(results.map((result) => [result.delivered, result.attempts]), [[true, 3], [true, 1]])
  t.same(delays, [100, 200], 'exponential backoff before each retry')

  t.equal(flaky.received.length, 3)
  const last = flaky.received.at(-1) as { headers: IncomingMessage['headers'], body: string }
  const payload = JSON.parse(last.body)
  t.match(payload, { event: 'release.published', release: { number: 1, changeNote: 'Announce me', url: '/v1/releases/1' } })
  t.equal(payload.changes.length, SMALL_CORPUS.length)
  const signature = last.headers[SIGNATURE_HEADER] as string
  t.ok(verifySignature('whsec_flaky', signature, last.body), 'the partner can verify the signature')
  t.notOk(verifySignature('wrong-secret', signature, last.body))
  t.notOk(verifySignature('whsec_flaky', signature, `${last.body} `), 'a changed body fails')
  const old = signPayload('whsec_flaky', Math.floor(Date.now() / 1000) - 3600, last.body)
  t.notOk(verifySignature('whsec_flaky', old, last.body), 'an old timestamp (a replay) fails')

  const log = await access.listDeliveries(flakyEndpoint.id)
  t.same(log.map((entry) => [entry.attempt, entry.succeeded, entry.statusCode]), [[1, false, 503], [2, false, 503], [3, true, 204]])
})

test('an endpoint that never answers is given up after the last attempt', async (t) => {
  const database = await testDatabase(t)
  const access = createAccessRepository(database.db)
  const endpoint = await access.insertEndpoint({ url: 'http://127.0.0.1:9/unreachable', secret: 'whsec_x' })
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const [result] = await announceRelease(database.db, 1, { maxAttempts: 3, baseDelayMs: 1, timeoutMs: 500 })
  t.same(result, { endpointId: endpoint.id, delivered: false, attempts: 3 })
  t.equal((await access.listDeliveries(endpoint.id)).filter((entry) => !entry.succeeded && entry.error).length, 3)
})
