// Builds the real app for a test, with the same Fastify options as the server, on a database of its own:
// a fresh in-memory PGlite, or with DATABASE_URL a new PostgreSQL database created here and dropped after.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { createDatabase, type DatabaseHandle, type DatabaseOptions } from '../db/client.js'
import { migrateDatabase } from '../db/migrate.js'
import { loadConfig, type Config } from '../src/config.js'
import { serverOptions } from '../src/server-options.js'
import app from '../src/app.js'

export interface TestContext {
  teardown: (fn: () => unknown) => void
}

// Rate limits are high in tests (a crawl sends hundreds of requests) and load shedding is off (parallel test
// files share two cores); the hardening tests set their own values.
export const testConfig: Config = loadConfig({ ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', NODE_ENV: 'test', PGLITE_DIR: 'memory://', RATE_LIMIT_ANONYMOUS: '1000000', RATE_LIMIT_KEY: '1000000', GRAPHQL_COST_BUDGET: '100000000', MAX_EVENT_LOOP_DELAY_MS: '0' })

/** A migrated, empty database that exists only for this test. */
export async function testDatabase (t: TestContext, options: Pick<DatabaseOptions, 'onQuery'> = {}): Promise<DatabaseHandle> {
  if (!testConfig.DATABASE_URL) {
    const database = await createDatabase({ pgliteDir: 'memory://', ...options })
    t.teardown(() => database.close())
    await migrateDatabase(database)
    return database
  }
  const name = `test_${randomUUID().replace(/-/g, '')}`
  const admin = await createDatabase({ databaseUrl: testConfig.DATABASE_URL, poolSize: 1 })
  await admin.withConnection((query) => query(`create database ${name}`))
  const url = new URL(testConfig.DATABASE_URL)
  url.pathname = `/${name}`
  const database = await createDatabase({ databaseUrl: url.toString(), poolSize: 4, ...options })
  t.teardown(async () => {
    await database.close()
    await admin.withConnection((query) => query(`drop database if exists ${name} with (force)`))
    await admin.close()
  })
  await migrateDatabase(database)
  return database
}

export interface BuildOptions {
  database?: DatabaseHandle
  seedsDir?: string
  publishOnEmpty?: boolean
  releasePollMs?: number
  config?: Partial<Config>
  /** Receives every log line (set config.LOG_LEVEL too). */
  logStream?: { write: (line: string) => void }
}

export async function build (t: TestContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const config = { ...testConfig, ...options.config }
  const database = options.database ?? await testDatabase(t)
  const server = Fastify(serverOptions(config, options.logStream ? { logStream: options.logStream } : {})).withTypeProvider<TypeBoxTypeProvider>()
  await server.register(app, { config, database, seedsDir: options.seedsDir, publishOnEmpty: options.publishOnEmpty ?? false, releasePollMs: options.releasePollMs ?? 0 })
  await server.ready()
  t.teardown(() => server.close())
  return server as unknown as FastifyInstance
}
