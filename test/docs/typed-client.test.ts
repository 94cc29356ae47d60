// The committed TypeScript client types work with openapi-fetch as it comes: `createClient<paths>()` with no
// media-type argument types `data` as the JSON entity (the HTML and JSON-LD representations have URLs of their
// own) and `error` as a problem. `npm run typecheck` compiles this file; tap runs it against a listening server.
import { test } from 'tap'
import createClient from 'openapi-fetch'
import type { paths } from '../../clients/typescript/api.js'
import { build } from '../helper.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Condition = paths['/v1/conditions/{slug}']['get']['responses'][200]['content']['application/json']
type Problem = paths['/v1/conditions/{slug}']['get']['responses'][404]['content']['application/problem+json']

test('openapi-fetch with plain createClient<paths>', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const client = createClient<paths>({ baseUrl })

  const { data, error } = await client.GET('/v1/conditions/{slug}', { params: { path: { slug: 'ptsd' }, query: { include: 'risks', locale: 'es' } } })
  // Compile-time: data is the JSON entity, not a union with the HTML string or the JSON-LD object.
  const exact: Equal<NonNullable<typeof data>, Condition> = true
  t.ok(exact)
  if (!data) throw new Error(`expected the condition, got ${JSON.stringify(error)}`)
  const title: string | undefined = data.title
  t.type(title, 'string')
  t.equal(data.slug, 'ptsd')
  t.equal(data.locale, 'es')
  t.equal(data.meta.license, 'CC BY 4.0')
  t.ok(data.risks?.every((risk) => typeof risk.severity === 'string'), 'included risks are typed and present')

  const missing = await client.GET('/v1/conditions/{slug}', { params: { path: { slug: 'no-such-condition' } } })
  const problem: Problem | undefined = missing.error
  t.equal(missing.response.status, 404)
  t.equal(missing.response.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.equal(problem?.code, 'KCA_ERR_NOT_FOUND')

  const html = await client.GET('/v1/conditions/{slug}.html', { params: { path: { slug: 'ptsd' } }, parseAs: 'text' })
  t.match(html.data, /<article class="kca-entity/)
  const list = await client.GET('/v1/conditions', { params: { query: { limit: 2, sort: 'title_desc' } } })
  t.equal(list.data?.items.length, 2)
  t.type(list.data?.nextCursor, 'string')
  t.equal(list.data?.hasMore, true, 'REST pages say hasMore, as GraphQL says pageInfo.hasNextPage')
})
