// OpenAPI 3.1 generated from the route schemas at /openapi.json, and Swagger UI at /docs. GraphQL routes
// carry no tag and are left out: the GraphQL schema is published as SDL at /graphql/schema.graphql.
//
// Every documented operation is completed here, as its route is added, with what applies to all of them, so the
// document says what the server does: an operationId; every error status answered as application/problem+json
// (the body schema and the codes per status come from the error registry); 401 (a key that is sent must be
// valid), 429 (rate limits, unless the route is exempt) and 503 (load shedding, request deadline, database).
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { RouteOptions } from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'
import { ProblemSchema } from '../../../schema/api.js'
import { ERROR_CATALOGUE, ERROR_CATALOGUE_PATH, type ErrorCode } from '../../errors.js'

const PROBLEM_MEDIA_TYPE = 'application/problem+json'

const RETRY_AFTER = Type.Integer({ minimum: 0, description: 'seconds to wait before retrying' })
const RATE_LIMIT_HEADERS = {
  'retry-after': RETRY_AFTER,
  'ratelimit-limit': Type.Integer({ description: 'requests allowed per minute to this client' }),
  'ratelimit-remaining': Type.Integer({ description: 'requests left in this window' }),
  'ratelimit-reset': Type.Integer({ description: 'seconds until the window resets' })
}
const ALWAYS_HEADERS: Record<number, Record<string, TSchema>> = { 429: RATE_LIMIT_HEADERS, 503: { 'retry-after': RETRY_AFTER }, 405: { allow: Type.String({ description: 'the methods this path takes' }) } }

/** The codes a REST client may meet with this status, from the registry: they make the response's description. */
function codesWithStatus (status: number): ErrorCode[] {
  return (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => {
    const entry = ERROR_CATALOGUE[code]
    return entry.status === status && entry.seenIn.some((where) => where === 'rest' || where === 'http')
  })
}

function problemResponse (status: number, existing?: unknown) {
  const codes = codesWithStatus(status)
  const content: Record<string, { schema: unknown }> = { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } }
  // A route's own 503 body (readiness) stays declared beside the problem a deadline or overload gives.
  if (existing && existing !== ProblemSchema) content['application/json'] = { schema: existing }
  return {
    description: `${codes.map((code) => `\`${code}\``).join(', ') || 'a problem'}: see ${ERROR_CATALOGUE_PATH}`,
    ...(ALWAYS_HEADERS[status] ? { headers: ALWAYS_HEADERS[status] } : {}),
    content
  }
}

/** A stable camelCase id from method and path, for routes that do not name their operation themselves. */
export function derivedOperationId (method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`)
  return `${method.toLowerCase()}${words.join('')}`
}

function completeOperation (route: RouteOptions, operationIds: Map<string, string>): void {
  const methods = [route.method].flat()
  if (methods.includes('HEAD') || route.url === '*' || route.url === '/*') return
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean, tags?: string[], response?: Record<string, unknown>, operationId?: string }) | undefined
  if (!schema || schema.hide === true || !schema.tags?.length) return
  const operationId = schema.operationId ?? derivedOperationId(methods[0] ?? 'get', route.url)
  const owner = `${methods.join(',')} ${route.url}`
  const clash = operationIds.get(operationId)
  if (clash !== undefined && clash !== owner) throw new Error(`operationId ${operationId} is used by both ${clash} and ${owner}`)
  operationIds.set(operationId, owner)
  const declared = schema.response ?? {}
  const statuses = new Set(Object.keys(declared).map(Number).filter((status) => status >= 400))
  statuses.add(401)
  statuses.add(503)
  if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== false) statuses.add(429)
  const response: Record<string, unknown> = Object.fromEntries(Object.entries(declared).filter(([status]) => Number(status) < 400))
  for (const status of [...statuses].sort()) response[status] = problemResponse(status, declared[status])
  // Replaced, not mutated: route modules share their schema fragments between routes.
  route.schema = { ...schema, operationId, response }
}

export default fp(async (app) => {
  const operationIds = new Map<string, string>()
  // Registered before @fastify/swagger's own onRoute hook, so it records the completed schemas.
  app.addHook('onRoute', (route) => completeOperation(route, operationIds))
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ketamine-content-api',
        version: '1',
        description: 'Cited, versioned content about ketamine therapy: topics, conditions, risks and mechanisms, in English and Spanish. ' +
          'Every answer carries the attribution (CC BY 4.0) and the medical disclaimer partners must show. ' +
          `Errors are application/problem+json; their \`type\` links to the error catalogue at ${ERROR_CATALOGUE_PATH}. ` +
          'Reads need no API key; a partner key (higher rate limits, the preview scope) goes in X-API-Key or Authorization: Bearer.',
        license: { name: 'CC BY 4.0 (content)', url: 'https://creativecommons.org/licenses/by/4.0/' }
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'optional partner key (higher limits; the preview scope reads drafts)' },
          bearer: { type: 'http', scheme: 'bearer', description: 'the same key as a bearer token' }
        }
      },
      // Anonymous reads are allowed ({}); a key, when sent, must be valid (401 otherwise).
      security: [{}, { bearer: [] }, { apiKey: [] }],
      tags: [
        { name: 'topics' }, { name: 'conditions' }, { name: 'risks' }, { name: 'mechanisms' },
        { name: 'releases', description: 'releases and the changes feed' },
        { name: 'search', description: 'full-text search and code lookup' },
        { name: 'embedding', description: 'HTML for partner pages' },
        { name: 'graphql', description: 'the GraphQL schema as a file (GraphQL itself is at /graphql)' },
        { name: 'documentation', description: 'this document and the error catalogue' },
        { name: 'operations', description: 'health and metrics' }
      ]
    },
    hideUntagged: true,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) }
  })
  app.addSchema(ProblemSchema)
}, { name: 'openapi' })

/**
 * The document and Swagger UI, registered with the other routes (after the rate limiter, which only sees routes
 * added after it), so they are limited like everything else, as the document says.
 */
export const openapiRoutes = fp(async (app) => {
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
  let document: OpenApiDocument | undefined
  app.get('/openapi.json', {
    schema: { summary: 'This OpenAPI document', operationId: 'getOpenApiDocument', tags: ['documentation'], response: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: Type.Object({}, { additionalProperties: true }) } } } } }
  }, async () => {
    document ??= referenceProblems(app.swagger() as unknown as OpenApiDocument)
    return document
  })
}, { name: 'openapi-routes', dependencies: ['openapi'] })

interface OpenApiDocument {
  components?: { schemas?: Record<string, unknown> }
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>
}

/** The problem schema once, under components, instead of inline in every error response (a third of the document). */
function referenceProblems (document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document)
  const { $id: _id, ...problem } = ProblemSchema as unknown as Record<string, unknown>
  copy.components = { ...copy.components, schemas: { ...copy.components?.schemas, Problem: structuredClone(problem) } }
  for (const operations of Object.values(copy.paths)) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        const media = response.content?.[PROBLEM_MEDIA_TYPE]
        if (media) media.schema = { $ref: '#/components/schemas/Problem' }
      }
    }
  }
  return copy
}
