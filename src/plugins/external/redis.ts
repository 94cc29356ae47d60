// Redis, only when RATE_LIMIT_REDIS_URL is set: rate limits and GraphQL budgets shared by all instances.
// Redis is an optimisation of fairness, not a dependency: when it cannot be reached (at start or later) the
// limits fall back to this instance's memory, a warning is logged once per outage and counted, ioredis keeps
// reconnecting in the background, and the shared limits resume when it answers again. Never a crash or a 500.
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { Config } from '../../config.js'

export type SharedLimitStore = 'rate-limit' | 'budget'

export interface SharedLimits {
  /** True while Redis is connected; otherwise the limits are per instance. */
  readonly available: boolean
  /** Calls answered from this instance's memory because Redis could not be used, by store. */
  readonly fallbacks: Record<SharedLimitStore, number>
  /** Records that `store` answered from memory; logs a warning the first time in each outage. */
  fellBack: (store: SharedLimitStore, error?: unknown) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null
    sharedLimits: SharedLimits
  }
}

/** Reconnect attempts back off to this; a returning Redis is in use again within about this long. */
const MAX_RECONNECT_DELAY_MS = 1000

export default fp<{ config: Config }>(async (app, options) => {
  const url = options.config.RATE_LIMIT_REDIS_URL
  const fallbacks: Record<SharedLimitStore, number> = { 'rate-limit': 0, budget: 0 }
  if (!url) {
    app.decorate('redis', null)
    app.decorate('sharedLimits', { available: false, fallbacks, fellBack: () => {} })
    return
  }
  const { Redis } = await import('ioredis')
  // Fail fast rather than queue: a limiter that waits on a dead Redis would stall every request.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS)
  })
  const where = redactedUrl(url)
  let warned = false
  const warn = (error: unknown) => {
    if (warned) return
    warned = true
    app.log.warn({ err: error, redis: where }, 'Redis unavailable: rate limits and GraphQL budgets fall back to this instance\'s memory until it answers again')
  }
  // Without a listener ioredis reports connection errors as unhandled 'error' events, which would crash Node.
  redis.on('error', warn)
  redis.on('ready', () => {
    if (warned) app.log.info({ redis: where }, 'Redis answers again: rate limits and GraphQL budgets are shared again')
    warned = false
  })
  const sharedLimits: SharedLimits = {
    get available () { return redis.status === 'ready' },
    fallbacks,
    fellBack (store, error) {
      fallbacks[store]++
      warn(error ?? new Error(`Redis is ${redis.status}`))
    }
  }
  // The first connection is awaited (bounded by connectTimeout) so a healthy Redis is used from the first
  // request; a failure is not fatal, ioredis keeps retrying.
  await redis.connect().catch(warn)
  app.decorate('redis', redis)
  app.decorate('sharedLimits', sharedLimits)
  app.addHook('onClose', async () => {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect())
    else redis.disconnect()
  })
}, { name: 'redis' })

function redactedUrl (url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
