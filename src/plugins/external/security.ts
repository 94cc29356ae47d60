// CORS for reads from any origin, security headers on every answer, and the narrow request surface
// (JSON and GraphQL bodies only).
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'

export const CORS_EXPOSED_HEADERS = ['etag', 'last-modified', 'content-language', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-request-id', 'allow']
const CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

/**
 * Headers for answers written before routing (bad URLs, parser errors), where no hook runs: the same CORS and
 * security headers a routed error gets, so a browser client can read the problem and nothing in it can run.
 */
export const BASELINE_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '),
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store'
}

export default fp(async (app) => {
  await app.register(cors, {
    origin: '*',
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    // X-Request-Id: the README invites clients to send their own trace id.
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'if-none-match', 'if-modified-since', 'accept-language', 'x-request-id'],
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 86_400,
    // An OPTIONS request without Origin is a plain capability request (RFC 9110 §9.3.7), not a broken preflight:
    // it gets 204 with Allow rather than a 400 in text/plain.
    strictPreflight: false
  })
  await app.register(helmet, {
    // A JSON API: nothing to run, nothing to frame. The embed page sets its own, looser policy.
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    // Partners load /embed.js and /embed pages from their own sites.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    frameguard: false,
    // Headers that only mean something for HTML documents in old browsers: left off JSON answers, where they
    // only cost every client bytes and parsing (the embed page sets what it needs itself).
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    dnsPrefetchControl: false,
    ieNoOpen: false,
    permittedCrossDomainPolicies: false,
    xssFilter: false
  })
  // Only JSON and GraphQL bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain')
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id)
    return payload
  })
}, { name: 'security' })
