// Reliability C1–C8 and B2: rate limits, proxies, the request surface, timeouts, CORS, headers, masking.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { createApiKey } from '../../src/access/api-keys.js'

const LEAK = /ECONN|\bselect\b|\binsert\b|postgres|5432|\.(js|ts):\d+|node_modules/

test('C1 rate limits per client; partners get more; 404 floods count; C2 GraphQL budget', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 5, RATE_LIMIT_KEY: 8, GRAPHQL_COST_BUDGET: 50 } })
  const remaining: number[] = []
  for (let index = 0; index < 5; index++) {
    const response = await app.inject('/v1/risks')
    t.equal(response.statusCode, 200)
    remaining.push(Number(response.headers['ratelimit-remaining']))
    t.equal(response.headers['ratelimit-limit'], '5')
  }
  t.same(remaining, [4, 3, 2, 1, 0], 'RateLimit-Remaining counts down')
  const limited = await app.inject('/v1/risks')
  t.equal(limited.statusCode, 429)
  t.match(limited.json(), { code: 'KCA_ERR_RATE_LIMITED', status: 429, detail: /limit is 5 per minute/ })
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After')
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')

  const flood = await app.inject({ url: '/nowhere', remoteAddress: '10.9.9.9' })
  t.equal(flood.headers['ratelimit-limit'], '5', '404s are rate limited too')

  const { key } = await createApiKey(app.accessRepository, 'Partner', ['read'])
  const partner = await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${key}` } })
  t.equal(partner.statusCode, 200, 'a partner key is not refused because its address spent the anonymous limit')
  // Its first sighting is limited per address (bucket of unverified keys); once verified it has its own bucket.
  const again = await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${key}` } })
  t.equal(again.headers['ratelimit-limit'], '8')

  const graphqlClient = { remoteAddress: '10.1.1.1' }
  const ask = () => app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ conditions(first: 20) { nodes { slug } } }' }, ...graphqlClient })
  t.equal((await ask()).statusCode, 200, 'cost 20 of 50')
  t.equal((await ask()).statusCode, 200, 'the same query again comes from the answer cache and is not charged')
  const costly = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ risks(first: 40) { nodes { slug } } }' }, ...graphqlClient })
  t.equal(costly.statusCode, 429, 'the per-client GraphQL budget is spent')
  t.equal(costly.json().errors[0].extensions.code, 'KCA_ERR_RATE_LIMITED')
  t.ok(costly.headers['retry-after'])
})

test('C3 X-Forwarded-For is believed only from configured proxies', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const untrusting = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 2 } })
  for (const spoofed of ['1.1.1.1', '2.2.2.2']) await untrusting.inject({ url: '/v1/risks', headers: { 'x-forwarded-for': spoofed } })
  const third = await untrusting.inject({ url: '/v1/risks', headers: { 'x-forwarded-for': '3.3.3.3' } })
  t.equal(third.statusCode, 429, 'rotating a spoofed header does not buy new buckets')

  const trusting = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 2, TRUST_PROXY: '127.0.0.1' } })
  for (const client of ['1.1.1.1', '1.1.1.1']) t.equal((await trusting.inject({ url: '/v1/risks', headers: { 'x-forwarded-for': client } })).statusCode, 200)
  t.equal((await trusting.inject({ url: '/v1/risks', headers: { 'x-forwarded-for': '1.1.1.1' } })).statusCode, 429)
  t.equal((await trusting.inject({ url: '/v1/risks', headers: { 'x-forwarded-for': '4.4.4.4' } })).statusCode, 200, 'behind a trusted proxy, each client has its own bucket')
})

test('C4–C8: surface, timeouts, CORS, headers, masking', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { REQUEST_TIMEOUT_MS: 300 } })

  t.test('C4 strict surface', async (t) => {
    const post = await app.inject({ method: 'POST', url: '/v1/conditions', payload: { a: 1 } })
    t.equal(post.statusCode, 405)
    t.equal(post.headers.allow, 'GET, HEAD, OPTIONS')
    t.equal(post.json().code, 'KCA_ERR_METHOD_NOT_ALLOWED')
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/conditions/alpha-disorder' })).statusCode, 405)
    const text = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, payload: '{ __typename }' })
    t.equal(text.statusCode, 415)
    const huge = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query: `{ __typename } #${'x'.repeat(70 * 1024)}` }) })
    t.equal(huge.statusCode, 413)
    const poisoned = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{ "query": "{ __typename }", "__proto__": { "polluted": true } }' })
    t.equal(poisoned.statusCode, 400)
    t.equal(({} as Record<string, unknown>).polluted, undefined)
    const head = await app.inject({ method: 'HEAD', url: '/v1/conditions/alpha-disorder' })
    t.equal(head.statusCode, 200)
    t.equal(head.body, '')
  })

  t.test('C5 a handler that takes too long answers 503 within the deadline', async (t) => {
    const original = app.contentRepository.listVersions
    app.contentRepository.listVersions = () => new Promise(() => {})
    t.teardown(() => { app.contentRepository.listVersions = original })
    const started = Date.now()
    const response = await app.inject('/v1/risks/low-risk/versions')
    const elapsed = Date.now() - started
    t.equal(response.statusCode, 503)
    t.match(response.json(), { code: 'KCA_ERR_TIMEOUT' })
    t.equal(response.headers['retry-after'], '5')
    t.ok(elapsed < 1500, `answered in ${elapsed} ms`)
  })

  t.test('B2/F: a database outage is a masked 503 with Retry-After, never a 500', async (t) => {
    const original = app.contentRepository.listVersions
    app.contentRepository.listVersions = async () => {
      throw Object.assign(new Error('Failed query: select * from entity_versions'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) })
    }
    t.teardown(() => { app.contentRepository.listVersions = original })
    const rest = await app.inject('/v1/risks/low-risk/versions')
    t.equal(rest.statusCode, 503)
    t.equal(rest.headers['retry-after'], '5')
    t.notMatch(rest.body, LEAK)
    t.match(rest.json(), { code: 'KCA_ERR_UNAVAILABLE', requestId: /\S+/ })
    const current = await app.inject('/v1/risks/low-risk')
    t.equal(current.statusCode, 200, 'current content is served from memory meanwhile')
    app.contentRepository.listVersionsOfEntities = async () => { throw Object.assign(new Error('x'), { code: '57P01' }) }
    const graphql = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ risk(slug: "high-risk") { versions { version } } }' } })
    t.equal(graphql.statusCode, 503)
    t.equal(graphql.json().errors[0].extensions.code, 'KCA_ERR_UNAVAILABLE')
    t.notMatch(graphql.body, LEAK)
  })

  t.test('C6 CORS for reads from any origin, no credentials, preflight cached a day', async (t) => {
    const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/conditions', headers: { origin: 'https://partner.example', 'access-control-request-method': 'GET' } })
    t.equal(preflight.statusCode, 204)
    t.equal(preflight.headers['access-control-allow-origin'], '*')
    t.equal(preflight.headers['access-control-max-age'], '86400')
    t.equal(preflight.headers['access-control-allow-credentials'], undefined)
    const read = await app.inject({ url: '/v1/conditions', headers: { origin: 'https://partner.example' } })
    t.equal(read.headers['access-control-allow-origin'], '*')
    t.match(read.headers['access-control-expose-headers'], /etag/)
  })

  t.test('C7 security headers on every status; content-type never taken from Accept', async (t) => {
    for (const [url, status] of [['/v1/conditions', 200], ['/v1/conditions?limit=0', 400], ['/v1/nothing', 404], ['/v1/topics/the-basics/versions/9', 404]] as const) {
      const response = await app.inject({ url, headers: { accept: 'text/html' } })
      t.equal(response.statusCode, status)
      t.equal(response.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
      t.match(response.headers['content-security-policy'], /default-src 'none'/, `${url}: CSP`)
      t.ok(response.headers['strict-transport-security'], `${url}: HSTS`)
      t.match(response.headers['content-type'], /json/, `${url}: JSON whatever Accept says`)
    }
  })

  t.test('B2 every error carries a request id; client ids are kept when sane', async (t) => {
    const mine = await app.inject({ url: '/v1/nothing', headers: { 'x-request-id': 'partner-trace-123' } })
    t.equal(mine.json().requestId, 'partner-trace-123')
    t.equal(mine.headers['x-request-id'], 'partner-trace-123')
    const odd = await app.inject({ url: '/v1/nothing', headers: { 'x-request-id': '<script>' } })
    t.match(odd.json().requestId, /^[0-9a-f-]{36}$/)
  })
})

test('metrics', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  await app.inject('/v1/conditions/alpha-disorder')
  await app.inject('/v1/conditions/nope')
  const metrics = await app.inject('/metrics')
  t.equal(metrics.statusCode, 200)
  t.match(metrics.headers['content-type'], /text\/plain/)
  t.match(metrics.body, /kca_http_requests_total\{method="GET",route="\/v1\/conditions\/:slug",status="200"\} 1/)
  t.match(metrics.body, /kca_http_requests_total\{method="GET",route="\/v1\/conditions\/:slug",status="404"\} 1/)
  t.match(metrics.body, /kca_http_request_duration_seconds_bucket/)
  t.match(metrics.body, /kca_release_current 1/)
  t.match(metrics.body, /kca_response_cache_entries\{cache="rest"\} 1/)
  t.match(metrics.body, /kca_process_resident_memory_bytes/)
})

test('C9 load shedding answers a coded 503 with Retry-After, but never sheds the probes', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { MAX_EVENT_LOOP_DELAY_MS: 10 } })
  // Block the event loop for longer than a sampling interval: under-pressure then sees the delay.
  const until = Date.now() + 1500
  while (Date.now() < until) { /* busy on purpose */ }
  await new Promise((resolve) => setTimeout(resolve, 50))
  const shed = await app.inject('/v1/risks')
  t.equal(shed.statusCode, 503)
  t.match(shed.json(), { code: 'KCA_ERR_OVERLOADED', status: 503 })
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await app.inject('/health/live')).statusCode, 200, 'liveness is never shed')
  t.equal((await app.inject('/metrics')).statusCode, 200, 'metrics are never shed')
})

test('B2 an internal failure is logged once, in full, under the request id the client was given', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { LOG_LEVEL: 'info' }, logStream: { write: (line) => { lines.push(JSON.parse(line)) } } })
  app.contentRepository.listVersions = async () => { throw new Error('invariant broken: select * from secrets at db.ts:42') }
  const response = await app.inject('/v1/risks/low-risk/versions')
  t.equal(response.statusCode, 500)
  t.notMatch(response.body, LEAK)
  const { requestId } = response.json()
  const errorLines = lines.filter((line) => Number(line.level) >= 50)
  t.equal(errorLines.length, 1, 'one error line')
  t.equal(errorLines[0]?.reqId, requestId, 'carrying the id the client saw')
  t.match(JSON.stringify(errorLines[0]), /invariant broken/, 'with the whole error, for the operator')
})
