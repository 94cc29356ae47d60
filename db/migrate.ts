// Applies the drizzle-kit migrations in db/migrations under a PostgreSQL advisory lock, because drizzle's
// migrator is not safe when several instances start at once (reliability G6).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { rowsOf, type DatabaseHandle } from './client.js'
import { packagePath } from '../src/paths.js'

// From the package root, so the built code (dist/db/migrate.js) finds the same SQL files.
export const MIGRATIONS_FOLDER = packagePath('db', 'migrations')
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
  await migrationStatus(handle)
}

export interface MigrationStatus { applied: number, available: number }

let available: number | undefined
/** Migrations this build ships: read once, they cannot change under a running process. */
function availableMigrations (): number {
  available ??= (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
  return available
}

// What the last migrate (or check) through each handle found: readiness reports it without touching disk or
// opening a connection of its own on every probe.
const lastStatus = new WeakMap<DatabaseHandle, MigrationStatus>()

/** Number of migrations on disk and in the database, asked through the pool; remembered for lastMigrationStatus. */
export async function migrationStatus (handle: DatabaseHandle): Promise<MigrationStatus> {
  const [table] = rowsOf<{ present: boolean }>(await handle.db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`))
  const [row] = table?.present ? rowsOf<{ count: number }>(await handle.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`)) : []
  const status = { applied: Number(row?.count ?? 0), available: availableMigrations() }
  lastStatus.set(handle, status)
  return status
}

/** The status found by the last migrateDatabase or migrationStatus through this handle; null when never checked. */
export function lastMigrationStatus (handle: DatabaseHandle): MigrationStatus | null {
  return lastStatus.get(handle) ?? null
}
