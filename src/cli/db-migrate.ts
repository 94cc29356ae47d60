// npm run db:migrate — apply the schema migrations (under an advisory lock) and nothing else.
import { migrateDatabase, migrationStatus } from '../../db/migrate.js'
import { configOrExit, openDatabase } from './shared.js'

const database = await openDatabase(configOrExit())
try {
  await migrateDatabase(database)
  const status = await migrationStatus(database)
  process.stdout.write(`migrations at head: ${status.applied}/${status.available} applied (${database.driver})\n`)
} finally {
  await database.close()
}
