// Reliability G6: several instances migrating one empty database at once all succeed, each migration once.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { test } from 'tap'
import { createDatabase } from '../../db/client.js'
import { migrateDatabase, migrationStatus } from '../../db/migrate.js'
import { testConfig } from '../helper.js'

test('three migrators at once on an empty database', async (t) => {
  const journal = JSON.parse(await readFile(new URL('../../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }
  if (!testConfig.DATABASE_URL) {
    // One embedded database has one connection: three concurrent calls on it must still apply each migration once.
    const database = await createDatabase({ pgliteDir: 'memory://' })
    t.teardown(() => database.close())
    await Promise.all([migrateDatabase(database), migrateDatabase(database), migrateDatabase(database)])
    t.same(await migrationStatus(database), { applied: journal.entries.length, available: journal.entries.length })
    return
  }
  const name = `test_${randomUUID().replace(/-/g, '')}`
  const admin = await createDatabase({ databaseUrl: testConfig.DATABASE_URL, poolSize: 1 })
  await admin.withConnection((query) => query(`create database ${name}`))
  const url = new URL(testConfig.DATABASE_URL)
  url.pathname = `/${name}`
  const instances = await Promise.all([1, 2, 3].map(() => createDatabase({ databaseUrl: url.toString(), poolSize: 2 })))
  t.teardown(async () => {
    await Promise.all(instances.map((instance) => instance.close()))
    await admin.withConnection((query) => query(`drop database if exists ${name} with (force)`))
    await admin.close()
  })
  const results = await Promise.allSettled(instances.map((instance) => migrateDatabase(instance)))
  t.same(results.map((result) => result.status), ['fulfilled', 'fulfilled', 'fulfilled'])
  const [first] = instances
  t.same(await migrationStatus(first as typeof instances[number]), { applied: journal.entries.length, available: journal.entries.length }, 'each migration recorded once')
})
