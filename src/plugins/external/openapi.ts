// OpenAPI 3.1 generated from the route schemas at /openapi.json, and Swagger UI at /docs. GraphQL routes
// carry no tag and are left out: the GraphQL schema is published as SDL at /graphql/schema.graphql.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { ProblemSchema } from '../../../schema/api.js'

export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ketamine-content-api',
        version: '1',
        description: 'Cited, versioned content about ketamine therapy: topics, conditions, risks and mechanisms, in English and Spanish. ' +
          'Every answer carries the attribution (CC BY 4.0) and the medical disclaimer partners must show. Errors are application/problem+json.',
        license: { name: 'CC BY 4.0 (content)', url: 'https://creativecommons.org/licenses/by/4.0/' }
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'optional partner key (higher limits; the preview scope reads drafts)' },
          bearer: { type: 'http', scheme: 'bearer', description: 'the same key as a bearer token' }
        }
      },
      tags: [
        { name: 'topics' }, { name: 'conditions' }, { name: 'risks' }, { name: 'mechanisms' },
        { name: 'releases', description: 'releases and the changes feed' },
        { name: 'search', description: 'full-text search and code lookup' },
        { name: 'embed', description: 'HTML for partner pages' },
        { name: 'operations', description: 'health and metrics' }
      ]
    },
    hideUntagged: true,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) }
  })
  app.addSchema(ProblemSchema)
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })
