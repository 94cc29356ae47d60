// The @fastify/rate-limit store: fixed windows counted in Redis while it answers, in this instance's memory when
// it does not. The plugin's own `skipOnError` would stop limiting altogether during a Redis outage; falling back
// to memory keeps every instance limiting (each on its own) until Redis is back.
import type { Redis } from 'ioredis'
import type { SharedLimits } from '../plugins/external/redis.js'

type Result = { current: number, ttl: number }
type Callback = (error: Error | null, result?: Result) => void

// INCR, and start the window's clock on its first request; answers the count and the time left.
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { current, ttl }`

type RateLimitCommand = (key: string, windowMs: number) => Promise<[number, number]>

export class MemoryWindows {
  private readonly windows = new Map<string, { start: number, count: number }>()
  constructor (private readonly maxKeys = 10_000, private readonly now: () => number = Date.now) {}

  incr (key: string, windowMs: number): Result {
    const time = this.now()
    let window = this.windows.get(key)
    if (!window || time - window.start >= windowMs) {
      window = { start: time, count: 0 }
      this.windows.delete(key)
      this.windows.set(key, window)
      // Bounded by active clients: the oldest window goes first.
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value as string)
    }
    window.count++
    return { current: window.count, ttl: window.start + windowMs - time }
  }
}

/** A store class for @fastify/rate-limit's `store` option. */
export function failoverRateLimitStore (redis: Redis | null, shared: SharedLimits, prefix = 'kca:rate:') {
  const memory = new MemoryWindows()
  if (redis && !('kcaRateLimit' in redis)) redis.defineCommand('kcaRateLimit', { numberOfKeys: 1, lua: INCREMENT })
  const command = redis ? (redis as unknown as { kcaRateLimit: RateLimitCommand }).kcaRateLimit.bind(redis) : null
  return class FailoverRateLimitStore {
    incr (key: string, callback: Callback, windowMs: number): void {
      const fallBack = (error?: unknown) => {
        if (command) shared.fellBack('rate-limit', error)
        callback(null, memory.incr(key, windowMs))
      }
      if (!command || !shared.available) {
        fallBack()
        return
      }
      command(`${prefix}${key}`, windowMs)
        .then(([current, ttl]) => callback(null, { current: Number(current), ttl: Number(ttl) }), fallBack)
    }

    // Every route shares one budget per client (the global limit), whatever its own settings.
    child (): FailoverRateLimitStore {
      return this
    }
  }
}
