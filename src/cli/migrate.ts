// npm run migrate — the one command a deploy runs: schema migrations, then the content publish.
import { migrateDatabase, migrationStatus } from '../../db/migrate.js'
import { configOrExit, openDatabase, parseCliArgs } from './shared.js'
import { publishSeeds } from './content-publish.js'

const args = parseCliArgs({ note: { type: 'string' }, seeds: { type: 'string' }, commit: { type: 'string' } })
const database = await openDatabase(configOrExit())
try {
  await migrateDatabase(database)
  const status = await migrationStatus(database)
  process.stdout.write(`schema: ${status.applied}/${status.available} migrations applied\n`)
} finally {
  await database.close()
}
process.exitCode = await publishSeeds(args)
