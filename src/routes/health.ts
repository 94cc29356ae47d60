// Liveness never touches the database; readiness pings it through the pool and reports the migration state found
// at boot (or by the last migrate), so a probe costs one `select 1` on a pooled connection and nothing else.
// Probes are exempt from rate limits: an orchestrator polling them must never be told 429.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sql } from 'drizzle-orm'
import { lastMigrationStatus } from '../../db/migrate.js'
import { withDeadline } from '../../db/client.js'

/** Readiness must answer quickly even when the database hangs: probes have their own timeouts. */
const READY_DEADLINE_MS = 1000

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  database: Type.Boolean(),
  migrations: Type.Object({ applied: Type.Integer(), available: Type.Integer() }),
  release: Type.Union([Type.Integer(), Type.Null()])
})

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health/live', {
    config: { rateLimit: false },
    schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/health/ready', {
    config: { rateLimit: false },
    schema: { summary: 'Readiness', tags: ['operations'], response: { 200: ReadySchema, 503: ReadySchema } }
  }, async (_request, reply) => {
    let database = false
    try {
      await withDeadline(app.database.db.execute(sql`select 1`), READY_DEADLINE_MS)
      database = true
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check: database unavailable')
    }
    const migrations = lastMigrationStatus(app.database) ?? { applied: 0, available: 0 }
    const release = app.releases.currentRelease
    const ready = database && migrations.available > 0 && migrations.applied === migrations.available && release !== null
    reply.status(ready ? 200 : 503)
    return { status: ready ? 'ready' as const : 'not-ready' as const, database, migrations, release }
  })
}

export default healthRoutes
