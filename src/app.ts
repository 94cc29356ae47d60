// The application as a plugin: external integrations, then our services, then routes; one error handler.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import { trustedProxies } from './server-options.js'
import { DEFAULT_POOL_SIZE, isDatabaseUnavailable, type DatabaseHandle } from '../db/client.js'
import databasePlugin from './plugins/external/database.js'
import redisPlugin from './plugins/external/redis.js'
import securityPlugin from './plugins/external/security.js'
import allowedMethodsPlugin from './plugins/app/allowed-methods.js'
import rateLimitPlugin from './plugins/external/rate-limit.js'
import underPressurePlugin from './plugins/external/under-pressure.js'
import metricsPlugin from './plugins/app/metrics.js'
import openapiPlugin, { openapiRoutes } from './plugins/external/openapi.js'
import { failoverBudgetStore, memoryBudgetStore, redisBudgetStore } from './limits/budget.js'
import contentPlugin from './plugins/app/content.js'
import ownerChannelPlugin from './plugins/app/owner-channel.js'
import graphqlPlugin from './plugins/app/graphql.js'
import { loadTrustedDocuments } from './graphql/http.js'
import authPlugin from './plugins/app/auth.js'
import freshnessPlugin, { notModifiedPlugin } from './plugins/app/freshness.js'
import responseCachePlugin from './plugins/app/response-cache.js'
import cdnPurgePlugin from './plugins/app/cdn-purge.js'
import compressionPlugin from './plugins/app/compression.js'
import accessLogPlugin from './plugins/app/access-log.js'
import entityRoutes from './routes/v1/entities.js'
import releaseRoutes from './routes/v1/releases.js'
import searchRoutes from './routes/v1/search.js'
import healthRoutes from './routes/health.js'
import embedRoutes from './routes/embed.js'
import errorCatalogueRoutes from './routes/error-catalogue.js'
import { ERROR_CATALOGUE, UnavailableError, codeForClientError, isErrorCode } from './errors.js'
import { echoedPath, sendProblem } from './problem.js'
import { Deadlines, type DeadlineEntry } from './limits/deadline.js'

export interface AppOptions {
  config: Config
  /** An already-open database (tests); otherwise one is opened from the configuration. */
  database?: DatabaseHandle | undefined
  seedsDir?: string | undefined
  publishOnEmpty?: boolean | undefined
  releasePollMs?: number | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_BASE_URL: the origin (and path prefix) of every absolute URL the service writes. */
    publicBaseUrl: string
    /** Requests waiting for an answer, each with its deadline (REQUEST_TIMEOUT_MS). */
    requestDeadlines: Deadlines<FastifyReply>
  }
  // The reply is its own entry in the deadline list: joining and leaving it allocates nothing.
  interface FastifyReply extends DeadlineEntry {}
}

const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  const { config } = options
  // Read before anything opens a connection or starts listening: a bad documents file stops the start cleanly.
  const trustedDocuments = config.GRAPHQL_TRUSTED_DOCUMENTS === 'on' && config.GRAPHQL_TRUSTED_DOCUMENTS_PATH ? loadTrustedDocuments(config.GRAPHQL_TRUSTED_DOCUMENTS_PATH) : null
  fastify.setErrorHandler(errorHandler)
  // Never the Host header: behind a proxy it names the proxy's upstream, and it is whatever the client sent.
  fastify.decorate('publicBaseUrl', config.PUBLIC_BASE_URL)
  await fastify.register(accessLogPlugin)
  await fastify.register(allowedMethodsPlugin)
  await fastify.register(securityPlugin)
  await fastify.register(openapiPlugin)
  await fastify.register(underPressurePlugin, { maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS })
  await fastify.register(databasePlugin, { config, database: options.database })
  await fastify.register(redisPlugin, { config })
  await fastify.register(authPlugin, { keyCacheTtlMs: config.API_KEY_CACHE_TTL_MS })
  await fastify.register(rateLimitPlugin, { config })
  await fastify.register(freshnessPlugin)
  await fastify.register(contentPlugin, { seedsDir: options.seedsDir ?? config.SEEDS_DIR, publishOnEmpty: options.publishOnEmpty, releasePollMs: options.releasePollMs })
  await fastify.register(ownerChannelPlugin)
  await fastify.register(responseCachePlugin, { trustProxy: trustedProxies(config) })
  await fastify.register(cdnPurgePlugin, { config })
  await fastify.register(graphqlPlugin, {
    production: config.NODE_ENV === 'production',
    budget: {
      store: fastify.redis ? failoverBudgetStore(redisBudgetStore(fastify.redis, 60_000), memoryBudgetStore(60_000), fastify.sharedLimits) : memoryBudgetStore(60_000),
      perWindow: config.GRAPHQL_COST_BUDGET
    },
    trustedDocuments
  })
  // After the answer caches have kept the full answer: a conditional request that missed still fills the cache.
  await fastify.register(notModifiedPlugin)
  // After every hook that reads or keeps the identity body (freshness, the two answer caches, the 304).
  await fastify.register(compressionPlugin)
  await fastify.register(metricsPlugin, { poolSize: DEFAULT_POOL_SIZE })

  // A request still unanswered after the deadline gets a 503 rather than hanging the client. One timer for all
  // in-flight requests (src/limits/deadline.ts), not one per request; a request whose client went away is dropped.
  const deadlines = new Deadlines<FastifyReply>(config.REQUEST_TIMEOUT_MS, (reply) => {
    if (reply.sent || reply.raw.destroyed) return
    reply.request.log.warn({ url: reply.request.url }, 'request exceeded its deadline')
    reply.header('retry-after', '5')
    sendProblem(reply, 'KCA_ERR_TIMEOUT', `no answer within ${config.REQUEST_TIMEOUT_MS} ms; retry shortly`)
  })
  fastify.decorate('requestDeadlines', deadlines)
  fastify.decorateReply('deadlineAt', 0)
  fastify.decorateReply('deadlinePrev', null)
  fastify.decorateReply('deadlineNext', null)
  fastify.addHook('onClose', async () => { deadlines.close() })

  // While the server drains, requests still arriving on open connections are told to go elsewhere.
  let closing = false
  fastify.addHook('preClose', async () => { closing = true })
  // Synchronous hooks (no promise per request): the drain check, then the request joins the deadline list.
  fastify.addHook('onRequest', function drainOrStartDeadline (request, reply, done) {
    if (closing) {
      reply.header('retry-after', '1').header('connection', 'close')
      sendProblem(reply, 'KCA_ERR_SHUTTING_DOWN', 'this instance is shutting down; retry')
      return
    }
    deadlines.add(reply)
    done()
  })
  fastify.addHook('onResponse', function endDeadline (_request, reply, done) {
    deadlines.remove(reply)
    done()
  })

  // 404 floods count against the rate limit like any other request. A known path asked with another method is
  // a 405 naming the methods it takes.
  fastify.setNotFoundHandler({ preHandler: fastify.rateLimit() }, (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = fastify.allowedMethods(path)
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(reply, 'KCA_ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(', ')}`)
    }
    return sendProblem(reply, 'KCA_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${echoedPath(path)}`)
  })

  await fastify.register(openapiRoutes)
  await fastify.register(healthRoutes)
  await fastify.register(errorCatalogueRoutes)
  await fastify.register(embedRoutes)
  await fastify.register(entityRoutes, { prefix: '/v1' })
  await fastify.register(releaseRoutes, { prefix: '/v1' })
  await fastify.register(searchRoutes, { prefix: '/v1' })
}

function errorHandler (this: FastifyInstance, error: FastifyError & { validation?: unknown[], validationContext?: string }, request: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[1], reply: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2]) {
  const status = error.statusCode ?? 500
  if (error.validation) {
    const errors = (error.validation as Array<{ instancePath: string, message?: string, params?: Record<string, unknown>, keyword: string }>).map((item) => ({
      parameter: parameterName(error.validationContext, item),
      message: validationMessage(item)
    }))
    return sendProblem(reply, 'KCA_ERR_VALIDATION', errors.map((item) => `${item.parameter}: ${item.message}`).join('; '), { errors })
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable')
    reply.header('retry-after', '5')
    return sendProblem(reply, 'KCA_ERR_UNAVAILABLE', new UnavailableError().message)
  }
  if (status >= 500) {
    // Never show internals: the request id ties the client's report to the full log line.
    request.log.error({ err: error }, 'request failed')
    const code = error.code
    if (isErrorCode(code) && ERROR_CATALOGUE[code].status === 503) {
      reply.header('retry-after', '5')
      return sendProblem(reply, code, error.message)
    }
    return sendProblem(reply, 'KCA_ERR_INTERNAL', 'internal error; quote the requestId when reporting it')
  }
  const code = isErrorCode(error.code) ? error.code : codeForClientError(error.code, status)
  const tombstone = (error as { tombstone?: Record<string, unknown> }).tombstone
  return sendProblem(reply, code, error.message, tombstone ? { tombstone } : {})
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
