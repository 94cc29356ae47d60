import { test } from 'tap'
import { sql } from 'drizzle-orm'
import { testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { migrateDatabase, migrationStatus } from '../../db/migrate.js'

test('published history cannot be updated or deleted, even with raw SQL', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  for (const statement of [
    sql`update entity_versions set change_note = 'rewritten'`,
    sql`delete from entity_versions`,
    sql`update releases set change_note = 'rewritten'`,
    sql`delete from release_entries`,
    sql`delete from audit_log`,
    sql`update version_sources set source_id = 'other'`,
    sql`truncate entity_versions cascade`
  ]) {
    const error = await database.db.execute(statement).then(() => null, (failure: Error & { cause?: Error }) => failure)
    t.match(String(error?.cause?.message ?? error?.message), /KCA_IMMUTABLE/, 'refused by the trigger')
  }
  const [row] = await database.db.execute(sql`select count(*)::int as count from entity_versions where change_note = 'rewritten'`).then((result) => Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ count: number }>
  t.equal(Number(row?.count), 0)
})

test('migrations are idempotent and recorded once', async (t) => {
  const database = await testDatabase(t)
  await migrateDatabase(database)
  await migrateDatabase(database)
  const status = await migrationStatus(database)
  t.equal(status.applied, status.available)
  t.ok(status.available >= 2)
})
