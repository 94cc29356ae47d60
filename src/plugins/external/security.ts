// CORS for reads from any origin, security headers on every answer, and the narrow request surface
// (JSON and GraphQL bodies only).
//
// Every header here is the same for every request (the origin is `*`, so nothing depends on the request's
// Origin and no `Vary: Origin` is needed), so they are computed once into frozen objects and applied with one
// `reply.headers()` call in one synchronous onRequest hook. This replaces @fastify/cors and @fastify/helmet, which
// answered the same headers but cost three hooks a request, and helmet rebuilt its middleware from its options on
// every request (docs/notes/2026-12-03/issue-13-per-request-path.md). The answers are byte for byte those of the
// plugins as they were configured (test/hardening/security-headers.test.ts holds them to it).
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

export const CORS_EXPOSED_HEADERS = ['etag', 'last-modified', 'content-language', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-request-id', 'allow']
/** Methods a cross-origin client may use, and the request headers it may send (X-Request-Id: the README invites clients to send their own trace id). */
export const CORS_ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS']
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-api-key', 'if-none-match', 'if-modified-since', 'accept-language', 'x-request-id']
/** How long a browser may keep a preflight's answer. */
const CORS_MAX_AGE_SECONDS = 86_400
const CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', ')
}

/**
 * Headers for answers written before routing (bad URLs, parser errors), where no hook runs: the same CORS and
 * security headers a routed error gets, so a browser client can read the problem and nothing in it can run.
 */
export const BASELINE_HEADERS: Readonly<Record<string, string>> = {
  ...CORS_HEADERS,
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store'
}

/**
 * On every routed answer but a preflight. A JSON API: nothing to run, nothing to frame (the embed page sets its
 * own, looser policy); partners load /embed.js and /embed pages from their own sites, hence cross-origin
 * resources. Headers that only mean something for HTML documents in old browsers (X-Frame-Options, COOP,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection) are left off: they would only cost every client bytes and parsing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...CORS_HEADERS,
  // The CSP as helmet wrote it (no space after `;`), so answers stay what they were.
  'content-security-policy': CONTENT_SECURITY_POLICY.replaceAll('; ', ';'),
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff'
})

/**
 * The answer to every OPTIONS request, a CORS preflight or not: an OPTIONS request without Origin is a plain
 * capability request (RFC 9110 §9.3.7), not a broken preflight, so it gets the same 204 (with `Allow`, from
 * plugins/app/allowed-methods.ts) rather than a 400. Answered in onRequest, before limits and authentication:
 * a browser sends no credentials with a preflight.
 */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...CORS_HEADERS,
  'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
  'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
  'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  'content-length': '0'
})

function securityHeaders (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('x-request-id', request.id)
  if (request.method === 'OPTIONS') {
    // Not calling done(): the answer is sent, and no later onRequest hook (limits, auth, deadline) runs.
    reply.code(204).headers(PREFLIGHT_HEADERS).send()
    return
  }
  reply.headers(SECURITY_HEADERS)
  done()
}

export default fp(async (app) => {
  app.addHook('onRequest', securityHeaders)
  // Gives OPTIONS requests on any path a route, so they are not 404s; the hook above has answered them already.
  app.options('*', { schema: { hide: true } }, (_request, reply) => { reply.code(204).headers(PREFLIGHT_HEADERS).send() })
  // Only JSON and GraphQL bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain')
}, { name: 'security' })
