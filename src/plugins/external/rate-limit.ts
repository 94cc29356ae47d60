// Rate limits per client: a partner key gets its own, higher limit; everyone else is limited per IP.
// Registered for every route (404s included; probes and metrics opt out), with the standard RateLimit-* headers
// and Retry-After. A presented key counts as a partner's only once memory knows it is valid (src/plugins/app/auth.ts).
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../../config.js'
import { RateLimitedError } from '../../errors.js'
import { failoverRateLimitStore } from '../../limits/rate-limit-store.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Counts one request of an anonymous client (`ip`) against its limit, as the limiter's own hook would, and
     * calls back with the RateLimit-* headers to send, or with null when the client is over its limit (the
     * request must then go through the limiter's hook, which refuses it). For answers sent without a Fastify
     * request (src/front-door.ts).
     */
    chargeAnonymous: (ip: string, callback: (headers: AnonymousLimitHeaders | null) => void) => void
  }
}

export interface AnonymousLimitHeaders { limit: number, remaining: number, resetSeconds: number }

const WINDOW_MS = 60_000

export default fp<{ config: Config }>(async (app, options) => {
  // Every instance of the store class shares its windows, so the limiter's store and the one below count together.
  const Store = failoverRateLimitStore(app.redis, app.sharedLimits)
  const store = new Store()
  const anonymousMax = options.config.RATE_LIMIT_ANONYMOUS
  app.decorate('chargeAnonymous', (ip: string, callback: (headers: AnonymousLimitHeaders | null) => void) => {
    store.incr(`ip:${ip}`, (_error, result) => {
      const current = result?.current ?? 0
      if (current > anonymousMax) callback(null)
      else callback({ limit: anonymousMax, remaining: Math.max(0, anonymousMax - current), resetSeconds: Math.ceil((result?.ttl ?? 0) / 1000) })
    }, WINDOW_MS)
  })
  await app.register(rateLimit, {
    global: true,
    timeWindow: WINDOW_MS,
    max: (request, key) => (key.startsWith('key:') ? options.config.RATE_LIMIT_KEY : options.config.RATE_LIMIT_ANONYMOUS),
    // A key memory has not judged yet is limited per IP in a bucket of its own (with the anonymous limit), so at
    // most that many lookups per address and minute reach the database, and a partner's first request after a
    // restart is not refused because anonymous traffic from its address used up the anonymous bucket.
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.prefix}` : request.apiKeyUnverified ? `unverified:${request.ip}` : `ip:${request.ip}`),
    // Redis when it answers, this instance's memory when it does not (src/limits/rate-limit-store.ts).
    store: Store,
    enableDraftSpec: true,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new RateLimitedError(`too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`)
  })
}, { name: 'rate-limit', dependencies: ['auth', 'redis'] })
