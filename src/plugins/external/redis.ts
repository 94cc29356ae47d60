// Redis, only when RATE_LIMIT_REDIS_URL is set: rate limits and GraphQL budgets shared by all instances.
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { Config } from '../../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null
  }
}

export default fp<{ config: Config }>(async (app, options) => {
  const url = options.config.RATE_LIMIT_REDIS_URL
  if (!url) {
    app.decorate('redis', null)
    return
  }
  const { Redis } = await import('ioredis')
  // Fail fast rather than queue: a limiter that waits on a dead Redis would stall every request.
  const redis = new Redis(url, { connectTimeout: 1000, commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true })
  await redis.connect()
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { await redis.quit() })
}, { name: 'redis' })
