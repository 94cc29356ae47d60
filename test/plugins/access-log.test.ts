// One access line per request (method, route, status, duration, request id), none of Fastify's own two, and a
// failure logged in full once under the same id.
import { test } from 'tap'
import { build } from '../helper.js'

test('each request writes exactly one access line carrying its id, route and status', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const app = await build(t, { config: { LOG_LEVEL: 'info' }, logStream: { write: (line) => { lines.push(JSON.parse(line)) } } })
  lines.length = 0
  await app.inject({ url: '/health/live', headers: { 'x-request-id': 'probe-1' } })
  await app.inject({ url: '/v1/nothing-here', headers: { 'x-request-id': 'missing-2' } })
  const forProbe = lines.filter((line) => line.reqId === 'probe-1')
  t.equal(forProbe.length, 1, 'one line for one request')
  t.match(forProbe[0], { msg: 'request', method: 'GET', route: '/health/live', status: 200, url: '/health/live' })
  t.type(forProbe[0]?.ms, 'number')
  t.match(lines.filter((line) => line.reqId === 'missing-2'), [{ msg: 'request', route: 'unmatched', status: 404 }])
  t.notOk(lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed'), "Fastify's own request lines are off")
})

test('at warn, reads write no line at all', async (t) => {
  const lines: string[] = []
  const app = await build(t, { config: { LOG_LEVEL: 'warn' }, logStream: { write: (line) => { lines.push(line) } } })
  for (let index = 0; index < 5; index++) await app.inject({ url: '/health/live' })
  t.same(lines, [])
})
