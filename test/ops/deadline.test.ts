// The request deadline (REQUEST_TIMEOUT_MS) with one timer for every in-flight request (src/limits/deadline.ts):
// a hung request still gets its 503 with Retry-After, an answered one leaves the list at once, and nothing is left
// armed once the server has closed.
import { test } from 'tap'
import Fastify from 'fastify'
import { serverOptions } from '../../src/server-options.js'
import app from '../../src/app.js'
import { Deadlines, type DeadlineEntry } from '../../src/limits/deadline.js'
import { testConfig, testDatabase, type TestContext } from '../helper.js'

async function appWithHungRoute (t: TestContext & { teardown: (fn: () => unknown) => void }, timeoutMs: number) {
  const config = { ...testConfig, REQUEST_TIMEOUT_MS: timeoutMs }
  const server = Fastify(serverOptions(config))
  await server.register(app, { config, database: await testDatabase(t), publishOnEmpty: false, releasePollMs: 0 })
  let release = () => {}
  // Never answers until released: what a handler stuck on a lock or a lost promise looks like.
  server.get('/test/hung', { config: { rateLimit: false } }, () => new Promise<void>((resolve) => { release = resolve }))
  server.get('/test/slow', { config: { rateLimit: false } }, async () => {
    await new Promise((resolve) => setTimeout(resolve, timeoutMs / 4))
    return { ok: true }
  })
  await server.ready()
  return { server, release: () => release() }
}

test('a hung request is answered 503 with Retry-After by its deadline; answered ones leave no timer behind', async (t) => {
  const { server, release } = await appWithHungRoute(t, 300)
  let closed = false
  t.teardown(async () => { if (!closed) await server.close() })

  const fast = await server.inject({ url: '/health/live', headers: { 'x-request-id': 'fast-1' } })
  t.equal(fast.statusCode, 200)
  t.equal(server.requestDeadlines.size, 0, 'an answered request leaves the list at once')

  const started = Date.now()
  const [hung, slow, again] = await Promise.all([
    server.inject({ url: '/test/hung', headers: { 'x-request-id': 'hung-1' } }),
    server.inject('/test/slow'),
    server.inject('/test/hung')
  ])
  const elapsed = Date.now() - started
  t.equal(hung.statusCode, 503)
  t.equal(hung.headers['retry-after'], '5')
  t.equal(hung.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(hung.headers['x-request-id'], 'hung-1')
  t.equal(hung.headers['access-control-allow-origin'], '*', 'with the CORS headers every answer has')
  t.match(hung.json(), { code: 'KCA_ERR_TIMEOUT', status: 503, requestId: 'hung-1', detail: /no answer within 300 ms/ })
  t.equal(again.statusCode, 503, 'every hung request is answered, not only the oldest')
  t.equal(slow.statusCode, 200, 'a request answered within its deadline is not touched')
  t.ok(elapsed >= 290, `not before the deadline (${elapsed} ms)`)
  t.equal(server.requestDeadlines.size, 0, 'nothing left in the list')
  release()

  await server.close()
  closed = true
  t.equal(server.requestDeadlines.armed, false, 'no timer armed after close')
})

test('the list: deadlines in arrival order, one timer, entries removed in any order, expired ones once', async (t) => {
  let now = 1000
  const expired: string[] = []
  type Entry = DeadlineEntry & { name: string }
  const entry = (name: string): Entry => ({ name, deadlineAt: 0, deadlinePrev: null, deadlineNext: null })
  const deadlines = new Deadlines<Entry>(50, (item) => expired.push(item.name), () => now)
  t.teardown(() => deadlines.close())
  const [a, b, c, d] = [entry('a'), entry('b'), entry('c'), entry('d')] as [Entry, Entry, Entry, Entry]
  deadlines.add(a)
  now += 10
  deadlines.add(b)
  now += 10
  deadlines.add(c)
  deadlines.add(d)
  t.equal(deadlines.size, 4)
  t.ok(deadlines.armed)
  deadlines.remove(c)
  deadlines.remove(c)
  t.equal(deadlines.size, 3, 'removing twice is harmless')
  deadlines.remove(a)
  now = 1065
  await new Promise((resolve) => setTimeout(resolve, 80))
  t.same(expired, ['b'], 'only b is past its deadline (1060); d (1070) is not')
  t.ok(deadlines.armed, 're-armed for d')
  now = 1070
  await new Promise((resolve) => setTimeout(resolve, 40))
  t.same(expired, ['b', 'd'])
  t.equal(deadlines.size, 0)
  t.equal(deadlines.armed, false, 'nothing in flight, nothing armed')
})
