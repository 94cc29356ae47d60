// The security and CORS headers are computed once (src/plugins/external/security.ts) in place of @fastify/helmet
// and @fastify/cors: these are the exact headers those plugins answered, as configured, for each kind of answer.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const EXPOSED = 'etag, last-modified, content-language, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id, allow'
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED }
const SECURITY = {
  ...CORS,
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none'",
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff'
}
const PREFLIGHT = {
  ...CORS,
  'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, x-api-key, if-none-match, if-modified-since, accept-language, x-request-id',
  'access-control-max-age': '86400',
  'content-length': '0'
}
const ABSENT = ['vary', 'access-control-allow-credentials', 'x-frame-options', 'x-xss-protection', 'cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-powered-by']

test('every kind of answer carries the headers helmet and cors gave it, and only those', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 2 } })
  const origin = { origin: 'https://partner.example', 'x-request-id': 'trace-1' }
  const answers = {
    live: await app.inject({ url: '/health/live', headers: origin }),
    read: await app.inject({ url: '/v1/risks/low-risk', headers: origin }),
    notFound: await app.inject({ url: '/nowhere', headers: origin }),
    limited: await app.inject({ url: '/v1/risks', headers: origin })
  }
  t.equal(answers.limited.statusCode, 429, 'the third request counted (probes are not) is refused')
  for (const [name, response] of Object.entries(answers)) {
    t.match(response.headers, { ...SECURITY, 'x-request-id': 'trace-1' }, `${name}: CORS and security headers`)
    for (const header of ABSENT) if (header !== 'vary' || name !== 'read') t.equal(response.headers[header], undefined, `${name}: no ${header}`)
    t.equal(response.headers['access-control-allow-methods'], undefined, `${name}: preflight headers only on preflights`)
  }
  t.equal(answers.read.headers.vary, 'accept-language, accept, accept-encoding', 'no Vary: Origin (the origin is *, whatever the request)')

  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/risks', headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-request-id' } })
  const plain = await app.inject({ method: 'OPTIONS', url: '/v1/risks' })
  const unknown = await app.inject({ method: 'OPTIONS', url: '/nowhere', headers: origin })
  for (const [name, response] of Object.entries({ preflight, plain, unknown })) {
    t.equal(response.statusCode, 204, `${name}: 204`)
    t.match(response.headers, PREFLIGHT, `${name}: preflight headers`)
    t.equal(response.headers['content-security-policy'], undefined, `${name}: answered before the security headers, as cors did`)
    t.equal(response.headers['ratelimit-limit'], undefined, `${name}: not counted against the rate limit`)
    t.equal(response.body, '')
  }
  t.equal(preflight.headers['x-request-id'], 'trace-1')
  t.equal(preflight.headers.allow, 'GET, HEAD, OPTIONS')
  t.equal(unknown.headers.allow, undefined, 'an unknown path takes no method')

  // The embed page keeps its own policy over the API's.
  const page = await app.inject({ url: '/embed/risks/low-risk', remoteAddress: '10.0.0.9' })
  t.match(page.headers['content-security-policy'], /frame-ancestors \*/)
})
