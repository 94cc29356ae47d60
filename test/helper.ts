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
import { ERROR_CATALOGUE, isErrorCode } from '../src/errors.js'

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
  // Every answer of every test goes through this check: an error code missing from the registry, or sent with
  // another status than the registry gives it, turns the answer into a failure the test sees (issue 14).
  server.addHook('onSend', async (_request, reply, payload) => {
    const problem = unregisteredCodeIn(reply.statusCode, String(reply.getHeader('content-type') ?? ''), payload)
    if (problem) throw new Error(`TEST HELPER: ${problem}`)
    return payload
  })
  await server.register(app, { config, database, seedsDir: options.seedsDir, publishOnEmpty: options.publishOnEmpty ?? false, releasePollMs: options.releasePollMs ?? 0 })
  await server.ready()
  t.teardown(() => server.close())
  return server as unknown as FastifyInstance
}

/** Error codes an answer carries: a problem's `code`, or GraphQL `errors[].extensions.code`. */
export function errorCodesIn (contentType: string, payload: unknown): string[] {
  if (typeof payload !== 'string' || !/json/.test(contentType)) return []
  let body: unknown
  try {
    body = JSON.parse(payload)
  } catch {
    return []
  }
  if (body === null || typeof body !== 'object') return []
  const codes: string[] = []
  if (contentType.startsWith('application/problem+json')) codes.push(String((body as { code?: unknown }).code))
  const errors = (body as { errors?: unknown }).errors
  if (Array.isArray(errors)) {
    for (const error of errors) {
      const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code
      if (code !== undefined) codes.push(String(code))
    }
  }
  return codes
}

/** What is wrong with the codes of an answer, or null. */
export function unregisteredCodeIn (status: number, contentType: string, payload: unknown): string | null {
  for (const code of errorCodesIn(contentType, payload)) {
    if (!isErrorCode(code)) return `error code ${code} is not in the registry (src/errors.ts)`
    if (contentType.startsWith('application/problem+json') && ERROR_CATALOGUE[code].status !== status) return `${code} answered with ${status}; the registry says ${ERROR_CATALOGUE[code].status}`
  }
  return null
}
