// Liveness never touches the database; readiness checks the database, the migrations and the release.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sql } from 'drizzle-orm'
import { migrationStatus } from '../../db/migrate.js'
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
    schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/health/ready', {
    schema: { summary: 'Readiness', tags: ['operations'], response: { 200: ReadySchema, 503: ReadySchema } }
  }, async (_request, reply) => {
    let database = false
    let migrations = { applied: 0, available: 0 }
    try {
      await withDeadline(app.database.db.execute(sql`select 1`), READY_DEADLINE_MS)
      database = true
      migrations = await withDeadline(migrationStatus(app.database), READY_DEADLINE_MS)
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check: database unavailable')
    }
    const release = app.releases.currentRelease
    const ready = database && migrations.applied === migrations.available && release !== null
    reply.status(ready ? 200 : 503)
    return { status: ready ? 'ready' as const : 'not-ready' as const, database, migrations, release }
  })
}

export default healthRoutes
