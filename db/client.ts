// One database handle for both drivers: embedded PGlite when no DATABASE_URL is set, postgres.js otherwise.
// The driver that is not used is never loaded (dynamic import).
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as tables from './tables/index.js'
import { acquireDataDirLock, type DataDirLock, type OwnerRole } from './owner-lock.js'

export type Tables = typeof tables
export type Db = PgDatabase<PgQueryResultHKT, Tables>
/** A transaction has the same query surface as the database; repositories accept either. */
export type DbOrTx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'execute' | 'selectDistinct'>

export interface DatabaseOptions {
  databaseUrl?: string | undefined
  /** PGlite data directory, or `memory://` for a throwaway database. */
  pgliteDir?: string
  /** A PGlite data directory image (from `dumpDataDir`) to start from: tests use a migrated template. */
  pgliteImage?: Blob
  /** Called with every SQL statement: tests count statements to prove there is no N+1. */
  onQuery?: (sql: string) => void
  poolSize?: number
  /** statement_timeout; also bounds how long a call may wait for a connection. */
  statementTimeoutMs?: number
  /** Who opens a PGlite directory: recorded in its lock file (default: a command named after this process). */
  owner?: { role: OwnerRole, label: string, waitForCommandMs?: number }
}

export const DEFAULT_POOL_SIZE = 10
/** application_name of the connection that LISTENs for new releases (operators and tests can find it). */
export const LISTEN_APPLICATION_NAME = 'ketamine-content-api:listen'

export interface DatabaseHandle {
  db: Db
  driver: 'pglite' | 'postgres'
  /** Runs `fn` on one dedicated session (advisory session locks need the same connection throughout). */
  withConnection: <T>(fn: (query: (text: string) => Promise<unknown[]>) => Promise<T>) => Promise<T>
  /**
   * LISTEN on a channel; resolves to a function that stops listening. `onListen` runs each time the LISTEN is
   * in place, after a reconnect too: notifications sent while it was down are lost, so the caller re-checks.
   */
  listen: (channel: string, onNotify: (payload: string) => void, onListen?: () => void) => Promise<() => Promise<void>>
  close: () => Promise<void>
  /** The exclusive lock on a PGlite data directory (absent for memory:// and PostgreSQL). */
  lock?: DataDirLock
}

export async function createDatabase (options: DatabaseOptions): Promise<DatabaseHandle> {
  const logger = options.onQuery ? { logQuery: (sql: string) => options.onQuery?.(sql) } : false
  if (options.databaseUrl) {
    const { default: postgres } = await import('postgres')
    const { drizzle } = await import('drizzle-orm/postgres-js')
    const statementTimeout = options.statementTimeoutMs ?? 5000
    const settings = {
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      onnotice: () => {},
      // Fail fast and come back fast: postgres.js's default reconnect delay grows to ~20 s.
      connect_timeout: 2,
      backoff: (attempt: number) => Math.min(0.5, 0.05 * 2 ** attempt),
      idle_timeout: 60,
      max_lifetime: 30 * 60,
      connection: {
        application_name: 'ketamine-content-api',
        statement_timeout: statementTimeout,
        idle_in_transaction_session_timeout: statementTimeout * 2,
        lock_timeout: statementTimeout
      }
    }
    const client = postgres(options.databaseUrl, settings)
    const databaseUrl = options.databaseUrl
    const db = drizzle({ client, schema: tables, casing: 'snake_case', logger }) as unknown as Db
    return {
      db,
      driver: 'postgres',
      // A connection of its own, outside the pool: a session lock held here can never starve the pool
      // (with a pool of one, holding a pooled connection while migrating would deadlock).
      async withConnection (fn) {
        const single = postgres(databaseUrl, { ...settings, max: 1, connection: { ...settings.connection, statement_timeout: 0 } })
        try {
          return await fn(async (text) => [...await single.unsafe(text)])
        } finally {
          await single.end({ timeout: 5 })
        }
      },
      // A connection of its own rather than client.listen(): postgres.js re-LISTENs once after a drop and, if
      // that attempt fails (the server is still down), drops the listener for good without a word. Here the
      // LISTEN is retried until it is back, and every time it is in place `onListen` lets the caller re-check.
      async listen (channel, onNotify, onListen) {
        let stopped = false
        let retrying = false
        const listener = postgres(databaseUrl, {
          ...settings,
          max: 1,
          // Never closed for being idle or old: only a real drop ends it (and is followed by a re-LISTEN).
          idle_timeout: null,
          max_lifetime: null,
          fetch_types: false,
          connection: { ...settings.connection, application_name: LISTEN_APPLICATION_NAME, statement_timeout: 0 },
          onclose: () => { if (!stopped) relisten().catch(() => {}) },
          onnotify: (name: string, payload: string) => { if (name === channel) onNotify(payload) }
        } as unknown as typeof settings)
        const statement = `listen "${channel.replace(/"/g, '""')}"`
        const relisten = async () => {
          if (retrying) return
          retrying = true
          try {
            for (let attempt = 0; ; attempt++) {
              if (stopped) return
              try {
                await listener.unsafe(statement)
                if (!stopped) onListen?.()
                return
              } catch {
                await new Promise((resolve) => setTimeout(resolve, Math.min(500, 50 * 2 ** attempt)))
              }
            }
          } finally {
            retrying = false
          }
        }
        try {
          await listener.unsafe(statement)
        } catch (error) {
          stopped = true
          await listener.end({ timeout: 0 })
          throw error
        }
        onListen?.()
        return async () => {
          stopped = true
          await listener.end({ timeout: 5 })
        }
      },
      close: () => client.end({ timeout: 5 })
    }
  }

  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const dataDir = options.pgliteDir ?? 'memory://'
  let lock: DataDirLock | undefined
  if (!dataDir.startsWith('memory://')) {
    // PGlite creates its data directory without `recursive`: a fresh clone has no ./data yet.
    await mkdir(dirname(resolve(dataDir)), { recursive: true })
    // Taken before PGlite touches the directory: a second process must not even read it while another writes.
    lock = await acquireDataDirLock(dataDir, options.owner ?? { role: 'command', label: process.argv.slice(1).join(' ') })
  }
  let client
  try {
    client = new PGlite(dataDir, options.pgliteImage ? { loadDataDir: options.pgliteImage } : {})
    await client.waitReady
  } catch (error) {
    await lock?.release()
    throw error
  }
  const pglite = client
  const db = drizzle({ client: pglite, schema: tables, casing: 'snake_case', logger }) as unknown as Db
  return {
    db,
    driver: 'pglite',
    // PGlite is a single connection: every call already runs on "the same connection".
    withConnection: (fn) => fn(async (text) => (await pglite.query(text)).rows),
    async listen (channel, onNotify, onListen) {
      // One in-process connection: it never drops, so the LISTEN is in place once, from here on.
      const unlisten = await pglite.listen(channel, onNotify)
      onListen?.()
      return unlisten
    },
    async close () {
      try {
        await pglite.close()
      } finally {
        await lock?.release()
      }
    },
    ...(lock ? { lock } : {})
  }
}

/** `execute()` answers an array with postgres.js and `{ rows }` with PGlite. */
export function rowsOf<T> (result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? [])
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'KCA_DB_DEADLINE'])

/** True when an error (or what it wraps) means the database cannot answer now, rather than a bug. */
export function isDatabaseUnavailable (error: unknown): boolean {
  for (let current = error as { code?: unknown, cause?: unknown } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
    const code = typeof current.code === 'string' ? current.code : ''
    // 57P01–57P03: server shutting down or not accepting connections; 57014: statement_timeout; 08xxx: connection.
    if (UNAVAILABLE_CODES.has(code) || /^(57P0[1-3]|57014|08\d{3}|53300)$/.test(code)) return true
  }
  return false
}

/** Rejects with a KCA_DB_DEADLINE error when `work` takes longer than `ms` (waiting for a pool slot included). */
export function withDeadline<T> (work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`database call exceeded ${ms} ms`), { code: 'KCA_DB_DEADLINE' })), ms)
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}
