// The database: PGlite or PostgreSQL, migrated to head before the app serves anything.
import fp from 'fastify-plugin'
import { createDatabase, type DatabaseHandle } from '../../../db/client.js'
import { migrateDatabase } from '../../../db/migrate.js'
import type { Config } from '../../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
  }
}

export interface DatabasePluginOptions {
  config: Config
  /** A database opened by the caller (tests); the caller closes it. */
  database?: DatabaseHandle | undefined
}

export default fp<DatabasePluginOptions>(async (app, options) => {
  const owned = !options.database
  const database = options.database ?? await createDatabase({
    databaseUrl: options.config.DATABASE_URL,
    pgliteDir: options.config.PGLITE_DIR,
    statementTimeoutMs: options.config.DB_STATEMENT_TIMEOUT_MS,
    // The lock on an embedded directory names this server, and where commands hand it their work.
    owner: { role: 'server', label: `HTTP on ${options.config.HOST}:${options.config.PORT}`, waitForCommandMs: 30_000 }
  })
  if (owned) app.addHook('onClose', async () => { await database.close() })
  await migrateDatabase(database)
  app.decorate('database', database)
  app.log.info({ driver: database.driver }, 'database ready')
}, { name: 'database' })
