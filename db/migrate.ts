// Applies the drizzle-kit migrations in db/migrations under a PostgreSQL advisory lock, because drizzle's
// migrator is not safe when several instances start at once (reliability G6).
import { fileURLToPath } from 'node:url'
import type { DatabaseHandle } from './client.js'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))
const MIGRATION_LOCK_KEY = 7_403_119_001

// Advisory locks are re-entrant within one session, and PGlite is one session: calls through the same
// handle are queued here as well.
const queues = new WeakMap<DatabaseHandle, Promise<unknown>>()

export function migrateDatabase (handle: DatabaseHandle): Promise<void> {
  const previous = queues.get(handle) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(() => migrateUnderLock(handle))
  queues.set(handle, next)
  return next
}

async function migrateUnderLock (handle: DatabaseHandle): Promise<void> {
  const migrate = handle.driver === 'pglite'
    ? (await import('drizzle-orm/pglite/migrator')).migrate
    : (await import('drizzle-orm/postgres-js/migrator')).migrate
  await handle.withConnection(async (query) => {
    await query(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`)
    try {
      await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER })
    } finally {
      await query(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`)
    }
  })
}

/** Number of migrations on disk and in the database: readiness requires them to match. */
export async function migrationStatus (handle: DatabaseHandle): Promise<{ applied: number, available: number }> {
  const { readFile } = await import('node:fs/promises')
  const journal = JSON.parse(await readFile(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }
  const rows = await handle.withConnection(async (query) => {
    const exists = await query("select to_regclass('drizzle.__drizzle_migrations') is not null as present") as Array<{ present: boolean }>
    if (!exists[0]?.present) return [{ count: 0 }]
    return await query('select count(*)::int as count from drizzle.__drizzle_migrations') as Array<{ count: number }>
  })
  return { applied: Number((rows[0] as { count: number }).count), available: journal.entries.length }
}
