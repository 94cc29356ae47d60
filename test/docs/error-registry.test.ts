// Errors from one registry (issue 14): every code a client can meet is created from src/errors.ts and listed in
// the error catalogue the problem `type` URLs point at. Three checks: no code is spelled anywhere else in the
// sources without being registered; a crawl of REST and GraphQL with bad inputs only ever answers registered
// codes, with the registry's status; and the catalogue (HTML and JSON) lists every registered code. (Beyond this
// file, test/helper.ts turns any answer with an unregistered code into a failure in every suite.)
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'tap'
import { build, errorCodesIn } from '../helper.js'
import { ERROR_CATALOGUE, isErrorCode } from '../../src/errors.js'

const ROOT = new URL('../../', import.meta.url).pathname

async function sourceFiles (directory: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, directory), { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => entry.isDirectory()
    ? sourceFiles(join(directory, entry.name))
    : Promise.resolve(entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [])))
  return nested.flat()
}

test('every error code spelled in the sources is registered', async (t) => {
  const files = [...await sourceFiles('src'), ...await sourceFiles('schema')]
  const seen = new Set<string>()
  for (const file of files) {
    const text = await readFile(join(ROOT, file), 'utf8')
    for (const [code] of text.matchAll(/KCA_ERR_[A-Z_]*[A-Z]/g)) {
      seen.add(code)
      t.ok(isErrorCode(code), `${file}: ${code} is in the registry`)
    }
  }
  t.ok(seen.size >= 10, `${seen.size} codes found in the sources`)
})

test('the error catalogue lists every code, and every problem type resolves', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const page = await app.inject('/docs/errors')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const json = (await app.inject('/docs/errors.json')).json() as { items: Array<{ code: string, status: number, title: string, meaning: string, type: string }> }
  t.same(json.items.map((item) => item.code).sort(), Object.keys(ERROR_CATALOGUE).sort(), 'the JSON lists exactly the registry')
  for (const item of json.items) {
    t.match(page.body, `<tr id="${item.code}">`, `${item.code}: an anchor in the HTML page`)
    t.equal(item.type, `/docs/errors#${item.code}`)
    t.ok(item.title.length > 0 && item.meaning.length > 20, `${item.code}: title and meaning`)
    const [path, anchor] = item.type.split('#')
    const target = await app.inject(path ?? '')
    t.equal(target.statusCode, 200, `${item.type} resolves`)
    t.match(target.body, `id="${anchor}"`)
  }
})

test('a crawl with bad inputs only ever answers registered codes, with their status', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const seen = new Set<string>()
  const record = (label: string, response: { statusCode: number, headers: Record<string, unknown>, body: string }) => {
    const contentType = String(response.headers['content-type'] ?? '')
    t.not(response.statusCode, 500, `${label}: never 500`)
    for (const code of errorCodesIn(contentType, response.body)) {
      seen.add(code)
      t.ok(isErrorCode(code), `${label}: ${code} is registered`)
      if (contentType.startsWith('application/problem+json') && isErrorCode(code)) t.equal(response.statusCode, ERROR_CATALOGUE[code].status, `${label}: ${code} with its status`)
    }
  }
  const rest = [
    '/v1/conditions?limit=0', '/v1/conditions?sort=nope', '/v1/conditions?after=!!!', '/v1/conditions?after=abc', '/v1/conditions?nope=1',
    '/v1/conditions/ptsd?fields=nope', '/v1/conditions/ptsd?include=nope', '/v1/conditions/ptsd?release=999999', '/v1/conditions/ptsd?preview=true',
    '/v1/conditions/NOT_A_SLUG', '/v1/conditions/no-such-thing', '/v1/conditions/ptsd/versions/99', '/v1/conditions/ptsd/versions/1/diff',
    '/v1/releases/0', '/v1/releases/999999', '/v1/changes?after=nope', '/v1/search?q=', '/v1/search?q=x&after=nope', '/v1/lookup?system=nope&code=1',
    '/v1/lookup?system=icd10cm&code=%3C%3E', '/v1/lookup?system=icd10cm&code=Z99.99', '/oembed?url=https://elsewhere.example/', '/oembed?url=x&format=xml',
    '/embed/nothing/ptsd', '/nowhere', '/v1/conditions/%ff%fe', `/v1/conditions/${'a'.repeat(5000)}`
  ]
  for (const url of rest) record(url, await app.inject(url))
  record('bad key', await app.inject({ url: '/v1/conditions', headers: { 'x-api-key': 'kca_nope_nope' } }))
  record('POST', await app.inject({ method: 'POST', url: '/v1/conditions', payload: {} }))
  const graphql = [
    { query: '{' }, { query: '{ nope }' }, { query: '{ condition(slug: "NOT A SLUG") { slug } }' }, { query: '{ condition(slug: "no-such") { slug } }' },
    { query: '{ conditions(first: 0) { nodes { slug } } }' }, { query: '{ conditions(after: "nope") { nodes { slug } } }' },
    { query: `{ ${Array.from({ length: 20 }, (_, index) => `a${index}: conditions(first: 100) { nodes { slug } }`).join(' ')} }` },
    { query: '{ release(number: 999999) { number } }' }, { nope: true }
    // Non-string and JSON-looking `query` values (issue 11, seen 1) belong to the GraphQL-over-HTTP work.
  ]
  for (const payload of graphql) record(`graphql ${JSON.stringify(payload).slice(0, 60)}`, await app.inject({ method: 'POST', url: '/graphql', payload }))
  record('graphql text/plain', await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, payload: '{ __typename }' }))
  record('graphql bad JSON', await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{"query":' }))
  record('graphql too large', await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query: `{ __typename } #${'x'.repeat(20 * 1024)}` }) }))
  t.ok(seen.size >= 12, `${seen.size} distinct codes seen: ${[...seen].sort().join(', ')}`)
})
