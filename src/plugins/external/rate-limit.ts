// Rate limits per client: a partner key gets its own, higher limit; everyone else is limited per IP.
// Registered for every route (404s included; probes and metrics opt out), with the standard RateLimit-* headers
// and Retry-After. A presented key counts as a partner's only once memory knows it is valid (src/plugins/app/auth.ts).
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../../config.js'
import { RateLimitedError } from '../../errors.js'
import { failoverRateLimitStore } from '../../limits/rate-limit-store.js'

export default fp<{ config: Config }>(async (app, options) => {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request, key) => (key.startsWith('key:') ? options.config.RATE_LIMIT_KEY : options.config.RATE_LIMIT_ANONYMOUS),
    // A key memory has not judged yet is limited per IP in a bucket of its own (with the anonymous limit), so at
    // most that many lookups per address and minute reach the database, and a partner's first request after a
    // restart is not refused because anonymous traffic from its address used up the anonymous bucket.
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.prefix}` : request.apiKeyUnverified ? `unverified:${request.ip}` : `ip:${request.ip}`),
    // Redis when it answers, this instance's memory when it does not (src/limits/rate-limit-store.ts).
    store: failoverRateLimitStore(app.redis, app.sharedLimits),
    enableDraftSpec: true,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new RateLimitedError(`too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`)
  })
}, { name: 'rate-limit', dependencies: ['auth', 'redis'] })
