// Reliability D1–D3: every route has a strict schema. Generated bad input never causes a 5xx, always a
// 400 that names the parameter; SQL-looking input is data, never SQL.
import { test } from 'tap'
import fc from 'fast-check'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const ROUTES = [
  '/v1/conditions', '/v1/risks', '/v1/mechanisms', '/v1/topics', '/v1/conditions/alpha-disorder', '/v1/risks/low-risk/versions',
  '/v1/risks/low-risk/versions/1', '/v1/risks/low-risk/versions/1/diff', '/v1/releases', '/v1/releases/1', '/v1/changes'
]
const PARAMETERS = ['limit', 'after', 'cursor', 'sort', 'fields', 'include', 'locale', 'release', 'evidenceStatus', 'severity', 'category', 'condition',
  'level', 'frequency', 'audience', 'since', 'before', 'from', 'preview', 'status', '__proto__', 'constructor', 'q']
const SQL_INJECTION = ["' OR 1=1 --", "'; DROP TABLE entity_versions; --", '1; select pg_sleep(5)', 'slug) union select * from api_keys --',
  "\\' or ''='", '%27%20OR%201%3D1', 'title desc; delete from releases', '$$ || pg_sleep(5) || $$']

test('generated bad input: never a 5xx, always a 400 that names what was wrong', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const value = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constantFrom('-1', '0', '101', '1e9', 'NaN', 'null', '[]', '{}', '%00', '%ff', ...SQL_INJECTION))
  let requests = 0
  let fourHundreds = 0
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...ROUTES),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMETERS), fc.string({ minLength: 1, maxLength: 12 })), value), { minLength: 1, maxLength: 4 }),
    async (route, pairs) => {
      const query = pairs.map(([name, item]) => `${encodeURIComponent(name)}=${encodeURIComponent(item)}`).join('&')
      const response = await app.inject(`${route}?${query}`)
      requests++
      if (response.statusCode >= 500) return false
      if (response.statusCode === 400) {
        fourHundreds++
        const body = response.json()
        return body.code?.startsWith('KCA_ERR_') && typeof body.detail === 'string' && body.detail.length > 0
      }
      return [200, 404, 401, 403, 410].includes(response.statusCode)
    }
  ), { numRuns: 1000, seed: 7 })
  t.equal(requests, 1000)
  t.ok(fourHundreds > 500, `${fourHundreds} of 1000 were refused as 400`)

  let slugs = 0
  await fc.assert(fc.asyncProperty(fc.constantFrom('conditions', 'risks', 'mechanisms', 'topics'), fc.string({ minLength: 1, maxLength: 120 }), async (plural, slug) => {
    const response = await app.inject(`/v1/${plural}/${encodeURIComponent(slug)}`)
    slugs++
    return response.statusCode < 500
  }), { numRuns: 1000, seed: 11 })
  t.equal(slugs, 1000, '1000 generated slugs, no 5xx')

  let documents = 0
  await fc.assert(fc.asyncProperty(fc.constantFrom('condition', 'risk', 'conditions', 'risks', 'changes'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...SQL_INJECTION)), fc.integer(), async (field, text, number) => {
    const query = field.endsWith('s')
      ? `{ ${field}(first: ${number}, after: ${JSON.stringify(text)}) { nodes { slug } } }`
      : `{ ${field}(slug: ${JSON.stringify(text)}, release: ${number}) { slug } }`
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
    documents++
    return response.statusCode < 500
  }), { numRuns: 1000, seed: 13 })
  t.equal(documents, 1000, '1000 generated GraphQL arguments, no 5xx')
})

test('D2/D3 SQL-looking input is refused or treated as data; non-public fields cannot be filtered or sorted on', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const clean = (await app.inject('/v1/risks')).json().items
  for (const injection of SQL_INJECTION) {
    for (const parameter of ['severity', 'category', 'condition', 'sort', 'fields', 'include', 'after', 'locale']) {
      const started = Date.now()
      const response = await app.inject(`/v1/risks?${parameter}=${encodeURIComponent(injection)}`)
      t.ok(Date.now() - started < 1000, 'no pg_sleep')
      if (response.statusCode === 200) t.same(response.json().items, clean, `${parameter}=${injection}: same as a clean request`)
      else t.equal(response.statusCode, 400, `${parameter}=${injection}: 400`)
    }
  }
  t.equal((await app.inject('/v1/risks')).json().items.length, 2, 'nothing was changed')
  for (const hidden of ['entityId', 'contentHash', 'document', 'sourceFile', 'keyHash']) {
    const filter = await app.inject(`/v1/risks?${hidden}=x`)
    t.equal(filter.statusCode, 400, `cannot filter on ${hidden}`)
    t.match(filter.json().errors, [{ parameter: `querystring.${hidden}`, message: 'is not a known parameter' }])
    t.equal((await app.inject(`/v1/risks?sort=${hidden}`)).statusCode, 400, `cannot sort on ${hidden}`)
  }
})
