// GraphQL over HTTP: hostile request shapes, automatic persisted queries, cacheable GET answers.
import { test } from 'tap'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { parse } from 'graphql'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { sha256Hex } from '../../src/graphql/http.js'

const STRICT = 'application/graphql-response+json'
const LEAK = /ECONN|\bselect\b|postgres|5432|\.(js|ts):\d+|node_modules|Cannot read|undefined is not/

test('GraphQL over HTTP', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds, 'first')
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Second text.' } })
  await publishSeedsDir(database, seeds, 'second')
  const app = await build(t, { database, config: { NODE_ENV: 'production' } })

  t.test('hostile request shapes: each a coded 400, never a 500, never a JSON-parsed document', async (t) => {
    const jsonDocument = JSON.stringify(parse('{ __typename }', { noLocation: true }))
    const cases: Array<[string, InjectOptions, string]> = [
      ['JSON text as the query', { method: 'POST', url: '/graphql', payload: { query: '{"query":"{}"}' } }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['?query=42', { method: 'GET', url: '/graphql?query=42' }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['?query=true', { method: 'GET', url: '/graphql?query=true' }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['?query={}', { method: 'GET', url: '/graphql?query=%7B%7D' }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['a JSON-encoded parsed document', { method: 'POST', url: '/graphql', payload: { query: jsonDocument } }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['a JSON document as application/graphql', { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/graphql' }, payload: '{"query":"{}"}' }, 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['{"query":42}', { method: 'POST', url: '/graphql', payload: { query: 42 } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['{"query":true}', { method: 'POST', url: '/graphql', payload: { query: true } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['a document object as the query', { method: 'POST', url: '/graphql', payload: { query: JSON.parse(jsonDocument) } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['no query', { method: 'POST', url: '/graphql', payload: { qeury: '{ __typename }' } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['a batch', { method: 'POST', url: '/graphql', payload: [{ query: '{ __typename }' }] as unknown as Record<string, unknown> }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['a string body', { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '"{ __typename }"' }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['variables as a list', { method: 'POST', url: '/graphql', payload: { query: '{ __typename }', variables: [1] } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['variables as a string', { method: 'POST', url: '/graphql', payload: { query: '{ __typename }', variables: '{}' } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['GET variables that are not JSON', { method: 'GET', url: '/graphql?query=%7B__typename%7D&variables=%7Bnope' }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['GET variables with __proto__', { method: 'GET', url: `/graphql?query=%7B__typename%7D&variables=${encodeURIComponent('{"__proto__":{"x":1}}')}` }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['a repeated GET query', { method: 'GET', url: '/graphql?query=%7B__typename%7D&query=%7B__typename%7D' }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['operationName as a number', { method: 'POST', url: '/graphql', payload: { query: '{ __typename }', operationName: 7 } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['extensions as a list', { method: 'POST', url: '/graphql', payload: { query: '{ __typename }', extensions: [] } }, 'KCA_ERR_GRAPHQL_REQUEST'],
      ['a malformed persistedQuery', { method: 'POST', url: '/graphql', payload: { extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } } }, 'KCA_ERR_GRAPHQL_REQUEST']
    ]
    for (const [name, request, code] of cases) {
      for (const accept of ['application/json', STRICT]) {
        const response = await app.inject({ ...request, headers: { ...(request.headers as Record<string, string> | undefined), accept } })
        t.equal(response.statusCode, 400, `${name} (${accept}): 400`)
        const body = response.json()
        t.equal(body.errors?.[0]?.extensions?.code, code, `${name}: ${code}`)
        t.notOk('data' in body, `${name}: nothing ran`)
        t.notMatch(response.body, LEAK)
        t.equal(response.headers['content-type'], `${accept}; charset=utf-8`)
      }
    }
    const json = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{"query":"{}"}' } })
    t.match(json.json().errors[0].message, /^Syntax Error: .*the query is JSON/, 'the syntax error says what is wrong')
  })

  t.test('invariant: any JSON value as the query, or JSON text in it, is a coded 400', async (t) => {
    let runs = 0
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.json()), fc.boolean(), async (value, get) => {
      runs++
      const text = typeof value === 'string'
      const response = get && text
        ? await app.inject({ url: `/graphql?query=${encodeURIComponent(value)}` })
        : await app.inject({ method: 'POST', url: '/graphql', payload: { query: value } as Record<string, unknown> })
      const code = response.json().errors?.[0]?.extensions?.code
      // A string that is not JSON may still be a GraphQL document (fc.jsonValue() makes plain strings too).
      if (text && !(() => { try { JSON.parse(value); return true } catch { return false } })()) return response.statusCode < 500
      return response.statusCode === 400 && code === (text ? 'KCA_ERR_GRAPHQL_SYNTAX' : 'KCA_ERR_GRAPHQL_REQUEST')
    }), { numRuns: 200, seed: 17 })
    t.equal(runs, 200)
  })

  const hashOf = (query: string) => sha256Hex(query)
  const getUrl = (params: Record<string, unknown>) => `/graphql?${new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])).toString()}`

  t.test('automatic persisted queries: a miss, a registration, then a cacheable GET by hash', async (t) => {
    const query = 'query Alpha { condition(slug: "alpha-disorder") { id slug title risks { id slug } } }'
    const extensions = { persistedQuery: { version: 1, sha256Hash: hashOf(query) } }
    for (const accept of ['application/json', STRICT]) {
      const miss = await app.inject({ url: getUrl({ extensions }), headers: { accept } })
      t.equal(miss.statusCode, accept === STRICT ? 400 : 200, `a miss is a refused document (${accept})`)
      t.match(miss.json(), { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] })
      t.equal(miss.headers['cache-control'], 'private, no-store', 'a miss is never cached, or the hash could never be registered behind a CDN')
    }
    const mismatch = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __typename }', extensions } })
    t.equal(mismatch.statusCode, 400)
    t.equal(mismatch.json().errors[0].extensions.code, 'KCA_ERR_PERSISTED_QUERY_MISMATCH')
    const invalid = '{ condition(slug: "alpha-disorder") { nope } }'
    await app.inject({ method: 'POST', url: '/graphql', payload: { query: invalid, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(invalid) } } } })
    const notKept = await app.inject({ url: getUrl({ extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(invalid) } } }) })
    t.equal(notKept.json().errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND', 'a document that does not validate is not registered')

    const register = await app.inject({ method: 'POST', url: '/graphql', payload: { query, extensions } })
    t.equal(register.statusCode, 200)
    t.equal(register.headers['cache-control'], 'private, no-store', 'POST stays uncacheable')
    const hit = await app.inject({ url: getUrl({ extensions, operationName: 'Alpha' }) })
    t.equal(hit.statusCode, 200)
    t.same(hit.json().data, register.json().data, 'the hash runs the registered document')
    t.equal(hit.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600, stale-if-error=86400', 'current content: the REST rule')
    t.match(hit.headers.etag, /^"[\w-]{32}"$/)
    t.same(String(hit.headers['surrogate-key']).split(' ').sort(), ['condition/alpha-disorder', 'risk/high-risk', 'risk/low-risk'])
    t.equal(hit.headers['cache-tag'], String(hit.headers['surrogate-key']).replaceAll(' ', ','))
    t.match(hit.headers.vary, /accept/i)
    const revalidated = await app.inject({ url: getUrl({ extensions, operationName: 'Alpha' }), headers: { 'if-none-match': String(hit.headers.etag) } })
    t.equal(revalidated.statusCode, 304)
    t.equal(revalidated.body, '')
    const again = await app.inject({ url: getUrl({ extensions, operationName: 'Alpha' }) })
    t.equal(again.headers.etag, hit.headers.etag, 'the same ETag from the answer cache')
    t.equal(again.headers['cache-control'], hit.headers['cache-control'])
  })

  t.test('GET answers carry the REST cache rules: pinned and versioned content is immutable, feeds short, errors never cached', async (t) => {
    const ask = async (query: string, variables?: Record<string, unknown>) => app.inject({ url: getUrl(variables ? { query, variables } : { query }) })
    const pinned = await ask('{ risk(slug: "low-risk", release: 1) { id summary } }')
    t.equal(pinned.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(pinned.json().data.risk.id, 'Risk:low-risk:en@1')
    const version = await ask('{ release(number: 1) { id number } }')
    t.equal(version.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(version.headers['surrogate-key'], 'release/1')
    const mixed = await ask('{ risk(slug: "low-risk", release: 1) { summary } changes(first: 1) { nodes { slug } } }')
    t.equal(mixed.headers['cache-control'], 'public, max-age=10, stale-if-error=3600', 'the least cacheable root field decides')
    const history = await ask('{ risk(slug: "low-risk", release: 1) { versions { id version } } }')
    t.match(history.headers['cache-control'], /max-age=60,/, 'a version history grows: current, even when pinned')
    const list = await ask('{ risks(first: 1) { nodes { slug } } }')
    t.same(String(list.headers['surrogate-key']).split(' ').sort(), ['list/risks', 'risk/high-risk'])
    const failed = await ask('{ condition(slug: "Not A Slug") { slug } }')
    t.equal(failed.statusCode, 200)
    t.equal(failed.headers['cache-control'], 'private, no-store')
    const post = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ risk(slug: "low-risk", release: 1) { id } }' } })
    t.equal(post.headers['cache-control'], 'private, no-store')
    t.equal(post.headers['surrogate-key'], undefined)
  })
})
