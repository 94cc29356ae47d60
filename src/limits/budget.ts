// A per-client budget spent over fixed windows: GraphQL cost is charged against it (reliability C2).
// In memory by default; with Redis every instance shares the same budget.
import type { Redis } from 'ioredis'
import type { SharedLimits } from '../plugins/external/redis.js'

export interface BudgetStore {
  /** Adds `amount` to the client's spend in the current window; answers the total and when the window ends. */
  spend: (client: string, amount: number) => Promise<{ spent: number, resetMs: number }>
}

export function memoryBudgetStore (windowMs: number, now: () => number = Date.now): BudgetStore {
  const windows = new Map<string, { start: number, spent: number }>()
  return {
    async spend (client, amount) {
      const time = now()
      let window = windows.get(client)
      if (!window || time - window.start >= windowMs) {
        window = { start: time - (time % windowMs), spent: 0 }
        windows.set(client, window)
        // Windows of idle clients are dropped as soon as the map grows: memory stays bounded by active clients.
        if (windows.size > 10_000) for (const [key, value] of windows) if (time - value.start >= windowMs) windows.delete(key)
      }
      window.spent += amount
      return { spent: window.spent, resetMs: window.start + windowMs - time }
    }
  }
}

export function redisBudgetStore (redis: Redis, windowMs: number, prefix = 'kca:budget:'): BudgetStore {
  return {
    async spend (client, amount) {
      const window = Math.floor(Date.now() / windowMs)
      const key = `${prefix}${client}:${window}`
      const results = await redis.multi().incrby(key, amount).pexpire(key, windowMs * 2).exec()
      // A failed command is an error, not a spend of zero: the failover store then counts in memory.
      const [error, value] = results?.[0] ?? [new Error('Redis returned no result'), null]
      if (error) throw error
      const spent = Number(value)
      return { spent, resetMs: (window + 1) * windowMs - Date.now() }
    }
  }
}

/**
 * The shared store while Redis answers, this instance's memory while it does not (at start or mid-run): a Redis
 * outage must never turn GraphQL requests into 500s, nor switch the budget off.
 */
export function failoverBudgetStore (shared: BudgetStore, local: BudgetStore, limits: Pick<SharedLimits, 'available' | 'fellBack'>): BudgetStore {
  return {
    async spend (client, amount) {
      if (!limits.available) {
        limits.fellBack('budget')
        return await local.spend(client, amount)
      }
      try {
        return await shared.spend(client, amount)
      } catch (error) {
        limits.fellBack('budget', error)
        return await local.spend(client, amount)
      }
    }
  }
}
