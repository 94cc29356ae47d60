// The application as a plugin: external integrations, then our services, then routes; one error handler.
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import type { DatabaseHandle } from '../db/client.js'
import databasePlugin from './plugins/external/database.js'
import contentPlugin from './plugins/app/content.js'
import graphqlPlugin from './plugins/app/graphql.js'
import authPlugin from './plugins/app/auth.js'
import freshnessPlugin from './plugins/app/freshness.js'
import responseCachePlugin from './plugins/app/response-cache.js'
import entityRoutes from './routes/v1/entities.js'
import releaseRoutes from './routes/v1/releases.js'
import healthRoutes from './routes/health.js'
import { FRAMEWORK_CODES } from './errors.js'
import { sendProblem } from './problem.js'

export interface AppOptions {
  config: Config
  /** An already-open database (tests); otherwise one is opened from the configuration. */
  database?: DatabaseHandle | undefined
  seedsDir?: string | undefined
  publishOnEmpty?: boolean | undefined
  releasePollMs?: number | undefined
}

const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  await fastify.register(databasePlugin, { config: options.config, database: options.database })
  await fastify.register(authPlugin)
  await fastify.register(freshnessPlugin)
  await fastify.register(contentPlugin, { seedsDir: options.seedsDir, publishOnEmpty: options.publishOnEmpty, releasePollMs: options.releasePollMs })
  await fastify.register(responseCachePlugin)
  await fastify.register(graphqlPlugin, { production: options.config.NODE_ENV === 'production' })

  fastify.setErrorHandler(errorHandler)
  fastify.setNotFoundHandler((request, reply) => {
    sendProblem(reply, 404, 'KCA_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)
  })

  await fastify.register(healthRoutes)
  await fastify.register(entityRoutes, { prefix: '/v1' })
  await fastify.register(releaseRoutes, { prefix: '/v1' })
}

function errorHandler (this: FastifyInstance, error: FastifyError & { validation?: unknown[], validationContext?: string }, request: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[1], reply: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2]) {
  const status = error.statusCode ?? 500
  if (error.validation) {
    const errors = (error.validation as Array<{ instancePath: string, message?: string, params?: Record<string, unknown>, keyword: string }>).map((item) => ({
      parameter: parameterName(error.validationContext, item),
      message: validationMessage(item)
    }))
    return sendProblem(reply, 400, 'KCA_ERR_VALIDATION', errors.map((item) => `${item.parameter}: ${item.message}`).join('; '), { errors })
  }
  if (status >= 500) {
    // Never show internals: the request id ties the client's report to the full log line.
    request.log.error({ err: error }, 'request failed')
    const code = error.code?.startsWith('KCA_ERR_') && status === 503 ? error.code : 'KCA_ERR_INTERNAL'
    if (status === 503) reply.header('retry-after', '5')
    return sendProblem(reply, status === 503 ? 503 : 500, code, status === 503 ? error.message : 'internal error; quote the requestId when reporting it')
  }
  const code = error.code?.startsWith('KCA_ERR_') ? error.code : FRAMEWORK_CODES[error.code] ?? 'KCA_ERR_BAD_REQUEST'
  const tombstone = (error as { tombstone?: Record<string, unknown> }).tombstone
  return sendProblem(reply, status, code, error.message, tombstone ? { tombstone } : {})
}

function parameterName (context: string | undefined, item: { instancePath: string, keyword: string, params?: Record<string, unknown> }): string {
  const path = item.instancePath.split('/').filter(Boolean).join('.')
  const extra = item.params?.additionalProperty ?? item.params?.missingProperty
  const name = [path, extra].filter((part) => part !== undefined && part !== '').join('.')
  return `${context ?? 'request'}${name ? `.${String(name)}` : ''}`
}

function validationMessage (item: { keyword: string, message?: string, params?: Record<string, unknown> }): string {
  if (item.keyword === 'additionalProperties') return 'is not a known parameter'
  if (item.keyword === 'enum') return `must be one of: ${(item.params?.allowedValues as unknown[]).join(', ')}`
  return item.message ?? 'is invalid'
}

// Not encapsulated: the server and the tests both see the decorators (database, releases) at the root.
export default fp(app, { name: 'app' })
