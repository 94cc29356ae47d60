// A per-client budget spent over fixed windows: GraphQL cost is charged against it (reliability C2).
// In memory by default; with Redis every instance shares the same budget.
import type { Redis } from 'ioredis'

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
      const spent = Number(results?.[0]?.[1] ?? amount)
      return { spent, resetMs: (window + 1) * windowMs - Date.now() }
    }
  }
}
