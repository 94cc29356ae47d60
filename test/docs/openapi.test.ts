// The API documents itself: a valid OpenAPI 3.1 document where every route has a summary, a description and
// its error answers; Swagger UI; and the committed partner client stays in step with the running API.
import { readFile } from 'node:fs/promises'
import { test } from 'tap'
import { validate } from '@readme/openapi-parser'
import { build } from '../helper.js'
import type { paths } from '../../clients/typescript/api.js'

type Condition = paths['/v1/conditions/{slug}']['get']['responses'][200]['content']['application/json']
type ConditionList = paths['/v1/conditions']['get']['responses'][200]['content']['application/json']
type Problem = paths['/v1/conditions/{slug}']['get']['responses'][404]['content']['application/problem+json']

test('OpenAPI document, Swagger UI and the typed client', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const document = (await app.inject('/openapi.json')).json()

  t.test('valid OpenAPI 3.1', async (t) => {
    t.equal(document.openapi, '3.1.0')
    t.same(await validate(structuredClone(document)), { valid: true, warnings: [], specification: 'OpenAPI' })
  })

  t.test('every route is documented with its answers', async (t) => {
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { summary?: string, description?: string, responses: Record<string, unknown> }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        t.ok(operation.summary, `${method} ${path}: summary`)
        if (path.startsWith('/v1/')) {
          t.ok(operation.description || operation.summary, `${method} ${path}: description`)
          t.ok(operation.responses['200'] && operation.responses['400'], `${method} ${path}: 200 and 400 documented`)
        }
      }
    }
    t.notOk(Object.keys(document.paths).includes('/graphql'), 'GraphQL is documented by its SDL, not here')
  })

  t.test('operations: unique camelCase ids, anonymous or keyed access, and every error answered as problem+json', async (t) => {
    t.same(document.security, [{}, { bearer: [] }, { apiKey: [] }], 'reads work without a key; a key goes in Authorization or X-API-Key')
    const ids = new Set<string>()
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { operationId?: string, responses: Record<string, { content?: Record<string, unknown> }> }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method} ${path}`
        t.match(operation.operationId, /^[a-z][A-Za-z0-9]*$/, `${name}: camelCase operationId`)
        t.notOk(ids.has(operation.operationId as string), `${name}: operationId ${operation.operationId} is unique`)
        ids.add(operation.operationId as string)
        const statuses = Object.keys(operation.responses)
        t.ok(statuses.some((status) => /^2/.test(status)), `${name}: a success answer is documented`)
        for (const status of ['401', '503']) t.ok(statuses.includes(status), `${name}: ${status} documented`)
        // 429 is declared exactly on the rate-limited operations: test/docs/error-cases.test.ts checks both ways.
        for (const status of statuses.filter((status) => Number(status) >= 400)) {
          const media = Object.keys(operation.responses[status]?.content ?? {})
          t.ok(media.includes('application/problem+json'), `${name} ${status}: application/problem+json`)
          t.same(media.filter((type) => type !== 'application/problem+json'), path === '/health/ready' && status === '503' ? ['application/json'] : [], `${name} ${status}: no other media type (readiness keeps its own 503 body)`)
        }
        const success = operation.responses['200']?.content ?? {}
        t.ok(Object.keys(success).length <= 1, `${name}: one media type for 200, so a typed client's data is one type`)
      }
    }
    t.equal(document.components.schemas.Problem.properties.code.enum.length, Object.keys((await import('../../src/errors.js')).ERROR_CATALOGUE).length, 'the problem code is one of the registered codes')
  })

  t.test('Swagger UI', async (t) => {
    const ui = await app.inject('/docs/')
    t.equal(ui.statusCode, 200)
    t.match(ui.headers['content-type'], /html/)
  })

  t.test('the committed client matches the running API', async (t) => {
    const committed = JSON.parse(await readFile(new URL('../../clients/openapi.json', import.meta.url), 'utf8'))
    t.same(committed, document, 'run `npm run clients:generate` after changing a route schema')
    // The generated types describe what the API really answers.
    const condition = (await app.inject('/v1/conditions/ptsd?include=risks')).json() as Condition
    t.equal(condition.slug, 'ptsd')
    t.ok(condition.risks?.every((risk) => typeof risk.severity === 'string'))
    t.equal(condition.meta.license, 'CC BY 4.0')
    const list = (await app.inject('/v1/conditions?limit=2')).json() as ConditionList
    t.equal(list.items.length, 2)
    t.type(list.nextCursor, 'string')
    const missing = (await app.inject('/v1/conditions/nope')).json() as Problem
    t.equal(missing.code, 'KCA_ERR_NOT_FOUND')
  })
})
