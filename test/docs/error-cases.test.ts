// The OpenAPI document is a contract, not a brochure: for every documented operation, every documented answer
// status is produced here by a request built for it (bad parameter, unknown key, missing scope, unknown and
// withdrawn entities, a pinned release that does not exist, a tiny rate limit, no release yet, a server that is
// closing), and each answer's status and media type must be among those the document declares for that
// operation. Problem answers must carry a registered code whose `type` resolves in the error catalogue.
import { connect } from 'node:net'
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { createApiKey } from '../../src/access/api-keys.js'
import { ERROR_CATALOGUE, isErrorCode } from '../../src/errors.js'

interface Parameter { name: string, in: 'path' | 'query' | 'header', required?: boolean }
interface Operation { operationId: string, parameters?: Parameter[], responses: Record<string, { content?: Record<string, unknown> }> }
interface Document { paths: Record<string, Record<string, Operation>> }
interface Answer { statusCode: number, headers: Record<string, unknown>, body: string }

const KNOWN: Record<string, string> = { topics: 'the-basics', conditions: 'alpha-disorder', risks: 'low-risk', mechanisms: 'gate-blocking' }
// One entity carries the code the lookup asks for, so the lookup's 200 is produced too.
const CODED: SeedEntity = { type: 'condition', slug: 'coded-condition', front: { codes: [{ system: 'icd10cm', code: 'F43.1', display: 'Code F43.1', verified: false }] } }
const GONE: SeedEntity[] = [
  { type: 'topic', slug: 'gone-topic' }, { type: 'condition', slug: 'gone-condition' }, { type: 'risk', slug: 'gone-risk' }, { type: 'mechanism', slug: 'gone-mechanism' }
]
const REQUIRED_QUERY: Record<string, string> = { q: 'title', system: 'icd10cm', code: 'F43.12', url: 'http://localhost:80/embed/conditions/alpha-disorder' }

/** The kind of entity a path is about: /v1/{plural}/… or /embed/{type}/… (filled with conditions). */
function pluralOf (template: string): string {
  const [, first, second] = template.split('/')
  return first === 'v1' && second && KNOWN[second.replace(/\{.*$/, '')] ? second : 'conditions'
}

function compose (template: string, path: Record<string, string>, query: Record<string, string>): string {
  const url = template.replace(/\{([a-z]+)\}/gi, (_match, name: string) => encodeURIComponent(path[name] ?? ''))
  const search = new URLSearchParams(query).toString()
  return search ? `${url}?${search}` : url
}

interface Request { url: string, headers?: Record<string, string> }

/** A request meant to produce `status` on this operation, or null when the rules below know none. */
function requestFor (template: string, operation: Operation, status: number, keys: { bad: string, readOnly: string }): Request | null {
  const parameters = operation.parameters ?? []
  const has = (name: string, where: Parameter['in']) => parameters.some((parameter) => parameter.name === name && parameter.in === where)
  const plural = pluralOf(template)
  const path: Record<string, string> = { type: plural, slug: KNOWN[plural] ?? 'alpha-disorder', number: '1', version: '1' }
  const query: Record<string, string> = Object.fromEntries(parameters.filter((parameter) => parameter.in === 'query' && parameter.required).map((parameter) => [parameter.name, REQUIRED_QUERY[parameter.name] ?? 'x']))
  const gone = GONE.find((entity) => `${entity.type}s` === plural || (entity.type === 'risk' && plural === 'risks'))?.slug ?? 'gone-condition'
  switch (status) {
    // A diff of version 1 needs an explicit from= (version 1 has no earlier one).
    case 200: return { url: compose(template, path, has('from', 'query') ? { ...query, from: '1' } : query) }
    case 303: return { url: compose(template, path, { ...query, format: 'html' }) }
    case 400:
      if (parameters.some((parameter) => parameter.in === 'query')) return { url: compose(template, path, { ...query, zzz: '1' }) }
      if (has('number', 'path')) return { url: compose(template, { ...path, number: 'abc' }, query) }
      if (has('version', 'path')) return { url: compose(template, { ...path, version: 'abc' }, query) }
      return null
    case 401: return { url: compose(template, path, query), headers: { 'x-api-key': keys.bad } }
    case 403: return { url: compose(template, path, { ...query, preview: 'true' }), headers: { authorization: `Bearer ${keys.readOnly}` } }
    case 404:
      if (has('release', 'query')) return { url: compose(template, path, { ...query, release: '999999' }) }
      if (has('number', 'path')) return { url: compose(template, { ...path, number: '999999' }, query) }
      if (has('version', 'path')) return { url: compose(template, { ...path, version: '99' }, query) }
      if (has('slug', 'path')) return { url: compose(template, { ...path, slug: 'no-such-slug' }, query) }
      if (has('url', 'query')) return { url: compose(template, path, { ...query, url: 'https://elsewhere.example/embed/conditions/x' }) }
      return null
    case 410:
      if (has('version', 'path')) return { url: compose(template, { ...path, slug: gone, version: '2' }, query) }
      if (has('slug', 'path')) return { url: compose(template, { ...path, slug: gone }, query) }
      return null
    case 501: return has('format', 'query') ? { url: compose(template, path, { ...query, format: 'xml' }) } : null
    default: return null
  }
}

function mediaTypeOf (answer: Answer): string {
  return String(answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? ''
}

/** Sends each request's first half, lets `between` run (closing the server), then the rest; returns each answer. */
async function halfRequests (port: number, urls: string[], between: () => Promise<unknown>): Promise<Answer[]> {
  const sockets = await Promise.all(urls.map(async (url) => {
    const socket = connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`GET ${url} HTTP/1.1\r\nHost: localhost\r\n`)
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8'))))
    return { socket, closed }
  }))
  await new Promise((resolve) => setTimeout(resolve, 200))
  const done = between()
  await new Promise((resolve) => setTimeout(resolve, 200))
  for (const { socket } of sockets) socket.write('\r\n')
  const texts = await Promise.all(sockets.map(({ closed }) => closed))
  await done
  return texts.map((text) => {
    const [head = '', ...rest] = text.split('\r\n\r\n')
    const [statusLine = '', ...lines] = head.split('\r\n')
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
    return { statusCode: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') }
  })
}

test('every documented answer of every operation is produced, with a declared status and media type', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [...SMALL_CORPUS, CODED, ...GONE])
  await publishSeedsDir(database, seeds)
  for (const entity of GONE) await seeds.remove(entity.type, entity.slug)
  await publishSeedsDir(database, seeds, 'withdraw the gone-* entities')
  const app = await build(t, { database })
  const limited = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 1 } })
  const empty = await build(t, {})
  const keys = { bad: 'kca_nope_0000000000000000', readOnly: (await createApiKey(app.accessRepository, 'Reader', ['read'])).key }
  const document = (await app.inject('/openapi.json')).json() as Document
  const catalogue = (await app.inject('/docs/errors')).body
  const produced = new Map<string, Set<string>>()

  const check = (label: string, operation: Operation, answer: Answer) => {
    const status = String(answer.statusCode)
    const declared = operation.responses[status]
    t.ok(declared, `${label}: ${status} is declared (declared: ${Object.keys(operation.responses).join(', ')})`)
    if (!declared) return
    const set = produced.get(operation.operationId) ?? new Set()
    set.add(status)
    produced.set(operation.operationId, set)
    if (declared.content) t.ok(Object.keys(declared.content).includes(mediaTypeOf(answer)), `${label}: ${mediaTypeOf(answer)} is declared for ${status}`)
    else t.equal(answer.body, '', `${label}: no body, as declared`)
    if (mediaTypeOf(answer) === 'application/problem+json') {
      const problem = JSON.parse(answer.body) as { code: string, status: number, type: string, requestId: string }
      t.ok(isErrorCode(problem.code) && ERROR_CATALOGUE[problem.code].status === answer.statusCode, `${label}: ${problem.code} is registered with status ${answer.statusCode}`)
      t.equal(problem.status, answer.statusCode)
      const anchor = problem.type.split('#')[1] ?? ''
      t.ok(problem.type.startsWith('/docs/errors#') && catalogue.includes(`id="${anchor}"`), `${label}: type ${problem.type} resolves in the catalogue`)
      t.equal(problem.requestId, answer.headers['x-request-id'], `${label}: request id in body and header`)
    }
  }

  const operations = Object.entries(document.paths).flatMap(([template, methods]) => Object.values(methods).map((operation) => ({ template, operation })))
  t.ok(operations.length > 40, `${operations.length} operations`)

  for (const { template, operation } of operations) {
    for (const status of Object.keys(operation.responses).map(Number).filter((status) => status !== 429 && status !== 503)) {
      const request = requestFor(template, operation, status, keys)
      if (!request) {
        t.fail(`${operation.operationId}: no request known to produce the documented ${status}`)
        continue
      }
      const answer = await app.inject(request)
      t.equal(answer.statusCode, status, `${operation.operationId} ${request.url}: ${status}`)
      check(`${operation.operationId} ${request.url}`, operation, answer)
    }
  }

  // 429: one request allowed per client per minute; each operation is asked twice by a client of its own.
  let client = 0
  for (const { template, operation } of operations) {
    const request = requestFor(template, operation, 200, keys) as Request
    const remoteAddress = `10.42.${Math.floor(++client / 250)}.${client % 250}`
    const answers = []
    for (let index = 0; index < 3; index++) answers.push(await limited.inject({ ...request, remoteAddress }))
    const last = answers.at(-1) as Answer
    if (operation.responses['429']) {
      t.equal(last.statusCode, 429, `${operation.operationId}: rate limited`)
      t.ok(Number(last.headers['retry-after']) > 0, `${operation.operationId}: Retry-After`)
    } else {
      t.ok(answers.every((answer) => answer.statusCode !== 429), `${operation.operationId}: not rate limited, as documented`)
    }
    check(`${operation.operationId} (rate limited)`, operation, last)
  }

  // 503 without a release: content operations cannot answer; the others answer as usual. Both as declared.
  for (const { template, operation } of operations) {
    const request = requestFor(template, operation, 200, keys) as Request
    const answer = await empty.inject(request)
    t.ok([200, 404, 503].includes(answer.statusCode), `${operation.operationId} with no release: ${answer.statusCode}`)
    check(`${operation.operationId} (no release)`, operation, answer)
  }

  // 503 while the server closes: every operation, on real connections that were busy when the close began.
  await empty.listen({ port: 0, host: '127.0.0.1' })
  const address = empty.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const urls = operations.map(({ template, operation }) => (requestFor(template, operation, 200, keys) as Request).url)
  const closingAnswers = await halfRequests(port, urls, () => empty.close())
  closingAnswers.forEach((answer, index) => {
    const { operation } = operations[index] as { operation: Operation }
    t.equal(answer.statusCode, 503, `${operation.operationId} while closing: 503`)
    check(`${operation.operationId} (closing)`, operation, answer)
  })

  for (const { operation } of operations) {
    t.same([...(produced.get(operation.operationId) ?? [])].sort(), Object.keys(operation.responses).sort(), `${operation.operationId}: every documented status was produced`)
  }
})
