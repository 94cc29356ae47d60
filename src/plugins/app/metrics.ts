// Prometheus metrics at /metrics: requests and latency by route and status, the release served, what the
// in-memory caches hold, the database driver and pool size, and the process itself.
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts an answer in the request metrics (also for answers sent without a Fastify request: src/front-door.ts). */
    recordAnswer: (method: string, route: string, status: number, milliseconds: number) => void
  }
}

export default fp<{ poolSize: number }>(async (app, options) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'kca_' })
  const requests = new Counter({ name: 'kca_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new Histogram({
    name: 'kca_http_request_duration_seconds',
    help: 'time to answer, by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry]
  })
  registry.registerMetric(new Gauge({ name: 'kca_release_current', help: 'number of the release being served (0: none)', registers: [], collect () { this.set(app.releases.currentRelease ?? 0) } }))
  registry.registerMetric(new Gauge({
    name: 'kca_response_cache_entries',
    help: 'answers held in memory',
    labelNames: ['cache'],
    registers: [],
    collect () {
      this.set({ cache: 'rest' }, app.responseCache.size.entries)
      this.set({ cache: 'graphql' }, app.graphqlCache.size.entries)
    }
  }))
  registry.registerMetric(new Gauge({
    name: 'kca_response_cache_bytes',
    help: 'bytes of answers held in memory',
    labelNames: ['cache'],
    registers: [],
    collect () {
      this.set({ cache: 'rest' }, app.responseCache.size.bytes)
      this.set({ cache: 'graphql' }, app.graphqlCache.size.bytes)
    }
  }))
  registry.registerMetric(new Counter({
    name: 'kca_response_cache_front_door_answers_total',
    help: 'kept REST answers sent by the front door, before Fastify builds a request (anonymous GETs)',
    registers: [],
    collect () { this.reset(); this.inc(app.responseCache.frontDoorAnswers) }
  }))
  registry.registerMetric(new Gauge({
    name: 'kca_db_pool_max',
    help: 'connections the pool may open (PGlite: one)',
    labelNames: ['driver'],
    registers: [],
    collect () { this.set({ driver: app.database.driver }, app.database.driver === 'pglite' ? 1 : options.poolSize) }
  }))

  // Counted where they happen (auth, redis plugins) and read at scrape time.
  registry.registerMetric(new Counter({
    name: 'kca_api_key_invalid_total',
    help: 'requests that presented an API key that is not valid; they are limited per IP like anonymous clients',
    registers: [],
    collect () { this.reset(); this.inc(app.apiKeyStats.invalid) }
  }))
  if (app.redis) {
    registry.registerMetric(new Gauge({
      name: 'kca_shared_limits_available',
      help: '1 while Redis answers and rate limits and GraphQL budgets are shared; 0 while each instance limits from its own memory',
      registers: [],
      collect () { this.set(app.sharedLimits.available ? 1 : 0) }
    }))
    registry.registerMetric(new Counter({
      name: 'kca_shared_limits_fallback_total',
      help: 'limit checks answered from this instance\'s memory because Redis could not be used',
      labelNames: ['store'],
      registers: [],
      collect () {
        this.reset()
        for (const [store, count] of Object.entries(app.sharedLimits.fallbacks)) this.inc({ store }, count)
      }
    }))
  }

  // One pair of bound children per (route, method, status), found through nested maps keyed by the strings the
  // request already holds, so no key is built per request. prom-client itself still hashes the labels on every
  // inc() and observe() (about 3 % of a cached read: docs/notes/2026-12-03/issue-13-per-request-path.md).
  type Bound = { count: { inc: () => void }, time: { observe: (seconds: number) => void } }
  const series = new Map<string, Map<string, Map<number, Bound>>>()
  const bind = (method: string, route: string, status: number): Bound => {
    const labels = { method, route, status: String(status) }
    return { count: requests.labels(labels), time: duration.labels(labels) }
  }
  const recordAnswer = (method: string, route: string, status: number, milliseconds: number): void => {
    let byMethod = series.get(route)
    if (!byMethod) series.set(route, byMethod = new Map())
    let byStatus = byMethod.get(method)
    if (!byStatus) byMethod.set(method, byStatus = new Map())
    let bound = byStatus.get(status)
    if (!bound) byStatus.set(status, bound = bind(method, route, status))
    bound.count.inc()
    bound.time.observe(milliseconds / 1000)
  }
  app.decorate('recordAnswer', recordAnswer)
  // Synchronous: no promise per request. The route pattern, not the URL: one series per route, whatever the slugs.
  app.addHook('onResponse', function recordRequest (request, reply, done) {
    recordAnswer(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime)
    done()
  })

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'], response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(registry.contentType).header('cache-control', 'no-store')
    return registry.metrics()
  })
}, { name: 'metrics', dependencies: ['content', 'response-cache', 'graphql', 'auth', 'redis'] })
