// GraphQL at /graphql: Mercurius registered once, with the checked-in SDL, loaders and masked errors; GraphQL over
// HTTP checked before Mercurius (src/graphql/http.ts); persisted documents; GET answers cacheable like REST.
import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IResolvers } from 'mercurius'
import { Kind, type DocumentNode, type GraphQLSchema } from 'graphql'
import { possibleTypesJson } from '../../graphql/possible-types.js'
import { createLoaders, createResolvers } from '../../graphql/resolvers.js'
import { createSearchResolvers } from '../../graphql/search-resolvers.js'
import { formatGraphqlErrors } from '../../graphql/error-formatter.js'
import { COST_BUDGET, QueryCostError, documentCost, maxAliasesRule, maxDepthRule } from '../../graphql/limits.js'
import { PersistedDocuments, negotiateMediaType, prepareGraphqlRequest, setGraphqlMediaType, type PreparedRequest } from '../../graphql/http.js'
import { answerFreshness } from '../../graphql/http-cache.js'
import type { BudgetStore } from '../../limits/budget.js'
import { RateLimitedError } from '../../errors.js'
import { ResponseCache, serveFromCache } from './response-cache.js'
import { setFreshness } from './freshness.js'
import { packagePath } from '../../paths.js'

export const SDL_PATH = packagePath('schema', 'graphql', 'schema.graphql')
export const SDL = readFileSync(SDL_PATH, 'utf8')
export const POSSIBLE_TYPES_PATH = packagePath('schema', 'graphql', 'possible-types.json')

export interface GraphqlPluginOptions {
  production: boolean
  /** Where each client's GraphQL cost is spent, and how much it may spend per window. */
  budget: { store: BudgetStore, perWindow: number }
  /** Trusted-documents mode: only these documents (sha256 → text) run. Null: any document, and APQ. */
  trustedDocuments?: ReadonlyMap<string, string> | null
}

export const GRAPHQL_BODY_LIMIT = 16 * 1024
export const GRAPHQL_MAX_TOKENS = 2000
const INTROSPECTION_CACHE_ENTRIES = 50
/**
 * Mercurius keeps each parsed, validated document (its AST with every token and location: ~5 KB for a one-line
 * query, ~0.5 MB for one of GRAPHQL_MAX_TOKENS) in an LRU keyed by the text, and documents that failed validation in
 * a second one; each LRU holds up to twice this many. The answer cache below answers repeated requests before
 * Mercurius parses anything, so this one only saves a parse when the same document comes with other variables.
 */
const DOCUMENT_CACHE_ENTRIES = 128
/** Whole GraphQL answers (see serveFromCache below); bytes count keys and payloads (ResponseCache), headers come on top. */
const ANSWER_CACHE_ENTRIES = 1000
const ANSWER_CACHE_BYTES = 16 * 1024 * 1024

/** The parameters that decide a GraphQL answer, after persisted documents were resolved into their text. */
function answerKey (request: FastifyRequest): string | null {
  // Most requests are not GraphQL: the raw URL (a plain property) rules them out before the route is looked at
  // (request.routeOptions builds an object on every read). A /graphql request under an odd spelling of its path
  // is then only not cached.
  if (!request.url.startsWith('/graphql')) return null
  if (request.routeOptions.url !== '/graphql' || (request.method !== 'GET' && request.method !== 'POST')) return null
  const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | null
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null
  const { query, variables, operationName } = params
  if (typeof query !== 'string' || query.length > GRAPHQL_BODY_LIMIT) return null
  // GET and POST answers differ in their Cache-Control, and each media type has its own content type.
  return `${request.method}|${negotiateMediaType(request.headers.accept)}|${String(operationName ?? '')}|${query}|${typeof variables === 'string' ? variables : JSON.stringify(variables ?? null)}`
}

/** A document whose operation reads only the schema (`__schema`, `__type`, `__typename`): its answer depends on nothing else. */
function readsOnlyTheSchema (document: DocumentNode, operationName: string | undefined): boolean {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
  const operation = operationName ? operations.find((definition) => definition.name?.value === operationName) : operations[0]
  return operation !== undefined && operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__')) &&
    operation.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value !== '__typename')
}

export default fp<GraphqlPluginOptions>(async (app, options) => {
  const cache = new ResponseCache(ANSWER_CACHE_ENTRIES, ANSWER_CACHE_BYTES)
  app.releases.onSwap(() => cache.clear())
  app.decorate('graphqlCache', cache)
  const documents = new PersistedDocuments(options.trustedDocuments ?? null)
  const prepared = new WeakMap<FastifyRequest, PreparedRequest>()
  // Introspection answers depend only on the schema: kept per schema, with the cost each hit is still charged.
  const introspection = new WeakMap<GraphQLSchema, Map<string, { payload: string, headers: Record<string, string>, cost: number }>>()
  const introspectionPending = new WeakMap<FastifyRequest, { key: string, cost: number }>()
  const introspectionAnswers = new WeakSet<FastifyRequest>()

  const charge = async (request: FastifyRequest, reply: FastifyReply, cost: number) => {
    const client = request.apiKey ? `key:${request.apiKey.prefix}` : `ip:${request.ip}`
    const { spent, resetMs } = await options.budget.store.spend(client, Math.max(1, cost))
    if (spent > options.budget.perWindow) {
      reply.header('retry-after', String(Math.ceil(resetMs / 1000)))
      throw new RateLimitedError(`GraphQL cost budget of ${options.budget.perWindow} per minute is spent; it renews in ${Math.ceil(resetMs / 1000)} s`)
    }
  }

  const base = createResolvers()
  const search = createSearchResolvers()
  await app.register(mercurius, {
    schema: SDL,
    resolvers: { ...base, ...search, Query: { ...base.Query, ...search.Query } } as IResolvers,
    loaders: createLoaders(),
    graphiql: !options.production,
    allowBatchedQueries: false,
    jit: 1,
    cache: DOCUMENT_CACHE_ENTRIES,
    graphql: { parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS } },
    // Introspection is on everywhere (tools need it; the schema is public); the depth rule exempts it and the
    // cost rule counts it. Mercurius's own queryDepth would count it, so depth is our validation rule.
    validationRules: [maxDepthRule(), maxAliasesRule],
    errorFormatter: ((execution: Parameters<typeof formatGraphqlErrors>[0], context: Parameters<typeof formatGraphqlErrors>[1]) =>
      formatGraphqlErrors(execution, context, { production: options.production })) as never,
    routes: true,
    additionalRouteOptions: {
      bodyLimit: GRAPHQL_BODY_LIMIT,
      preValidation: async (request, reply) => {
        setGraphqlMediaType(request, reply)
        // A POST answer is never stored by a shared cache; GET answers say below how long they may be.
        if (request.method === 'POST') reply.header('cache-control', 'private, no-store')
        prepared.set(request, prepareGraphqlRequest(request, documents, GRAPHQL_MAX_TOKENS))
      }
    }
  })

  // Cost is computed from the document and its variables before anything runs, then charged to the client.
  app.graphql.addHook('preExecution', async (schema, document: DocumentNode, context, variables) => {
    const request = context.reply.request
    const operationName = ((request.method === 'GET' ? request.query : request.body) as { operationName?: string | null } | null)?.operationName ?? undefined
    const cost = documentCost(schema, document, (variables ?? {}) as Record<string, unknown>, operationName)
    if (cost > COST_BUDGET) throw new QueryCostError(cost)
    await charge(request, context.reply, cost)
    ;(context as unknown as { queryCost: number }).queryCost = cost
    // The document parsed, validated and fits the limits: an automatic persisted query may now be named by its hash.
    const registration = prepared.get(request)?.register
    if (registration) documents.register(registration.hash, registration.text)
    const key = answerKey(request)
    if (key !== null && readsOnlyTheSchema(document, operationName)) introspectionPending.set(request, { key, cost })
  })
  app.graphql.addHook('onResolution', async (execution, context) => {
    const cost = (context as unknown as { queryCost?: number }).queryCost
    if (cost !== undefined) execution.extensions = { ...execution.extensions, cost: { requested: cost, budget: COST_BUDGET } }
    const request = context.reply.request
    // GET answers follow the REST rules (src/plugins/app/freshness.ts), so a CDN can keep and purge them.
    if (request.method === 'GET' && (execution.errors?.length ?? 0) === 0) setFreshness(context.reply, answerFreshness(request))
  })

  // Synchronous unless there is an introspection answer to charge for: these hooks run for every request.
  app.addHook('preHandler', function answerIntrospection (request, reply, done) {
    const key = answerKey(request)
    const hit = key === null ? undefined : introspection.get(app.graphql.schema)?.get(key)
    if (!hit) {
      done()
      return
    }
    introspectionAnswers.add(request)
    charge(request, reply, hit.cost).then(() => {
      reply.headers(hit.headers)
      reply.send(hit.payload)
    }, done)
  })
  app.addHook('onSend', function keepIntrospection (request, reply, payload, done) {
    const pending = introspectionPending.get(request)
    if (!pending || reply.statusCode !== 200 || typeof payload !== 'string' || payload.includes('"errors":')) {
      done(null, payload)
      return
    }
    let answers = introspection.get(app.graphql.schema)
    if (!answers) introspection.set(app.graphql.schema, answers = new Map())
    if (answers.size >= INTROSPECTION_CACHE_ENTRIES) answers.delete(answers.keys().next().value as string)
    const headers: Record<string, string> = {}
    for (const name of ['content-type', 'cache-control', 'vary']) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    answers.set(pending.key, { payload, headers, cost: pending.cost })
    done(null, payload)
  })

  app.get('/graphql/schema.graphql', {
    schema: { summary: 'The GraphQL schema (SDL)', description: 'The schema as a file, for tools that read SDL; introspection answers the same.', tags: ['graphql'], response: { 200: { description: 'GraphQL SDL', content: { 'text/plain': { schema: { type: 'string' } } } } } }
  }, async (_request, reply) => {
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600')
    return SDL
  })
  const possibleTypes = possibleTypesJson(app.graphql.schema)
  app.get('/graphql/possible-types.json', {
    schema: {
      summary: 'possibleTypes of the GraphQL schema',
      description: 'Which object types implement each interface, as Apollo Client\'s InMemoryCache takes it.',
      tags: ['graphql'],
      response: { 200: { description: 'interface name → the object types implementing it', content: { 'application/json': { schema: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } } } }
    }
  }, async (_request, reply) => {
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=3600')
    return possibleTypes
  })

  // Whole answers are cached only when they carry no error, keyed by the release they were read from. A hit is
  // answered before the body schema and the request checks (preValidation): an answer is kept only for a request
  // that passed them, and the key holds all they read — method, media type, operation name, document and
  // variables. Requests with extensions (persisted queries: a hash to check against the text) always take the
  // whole path.
  serveFromCache(app, {
    cache,
    hitHook: 'preValidation',
    keptHeaders: ['content-type', 'cache-control', 'surrogate-key', 'cache-tag', 'vary'],
    keyOf: (request) => {
      // Every request passes here (a global hook): other URLs leave at once.
      if (!request.url.startsWith('/graphql')) return null
      const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | null
      if (params !== null && typeof params === 'object' && params.extensions !== undefined && params.extensions !== null) return null
      const key = answerKey(request)
      const release = app.releases.currentRelease
      return key === null || release === null ? null : `${release}|${key}`
    },
    // Introspection answers are kept by the introspection cache, which charges each hit its cost.
    skip: (payload, request) => payload.includes('"errors":') || introspectionPending.has(request) || introspectionAnswers.has(request)
  })
}, { name: 'graphql', dependencies: ['content', 'response-cache'] })

declare module 'fastify' {
  interface FastifyInstance {
    graphqlCache: ResponseCache
  }
}
