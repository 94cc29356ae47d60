// Rate limits per client: a partner key gets its own, higher limit; everyone else is limited per IP.
// Registered for every route (404s included), with the standard RateLimit-* headers and Retry-After.
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../../config.js'
import { RateLimitedError } from '../../errors.js'

export default fp<{ config: Config }>(async (app, options) => {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request, key) => (key.startsWith('key:') ? options.config.RATE_LIMIT_KEY : options.config.RATE_LIMIT_ANONYMOUS),
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.prefix}` : `ip:${request.ip}`),
    ...(app.redis ? { redis: app.redis, nameSpace: 'kca:rate:', skipOnError: true } : {}),
    enableDraftSpec: true,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new RateLimitedError(`too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`)
  })
}, { name: 'rate-limit', dependencies: ['auth', 'redis'] })
