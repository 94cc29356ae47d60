// Kept answers leave through the front door (src/front-door.ts) without a Fastify request. The invariant: for any
// request, the front door's answer is the answer Fastify gives — status, body bytes and every header (but the date
// and the rate-limit count, which goes down by one per request whichever path answers), the same access line and
// the same metrics. Random requests over the seed corpus (fast-check) are sent with the door closed (Fastify
// answers, and fills the cache) and then open (the door answers what the cache holds).
import { test } from 'tap'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { build, type TestContext } from '../helper.js'
import { frontDoorLane, setFrontDoorLane } from '../../src/front-door.js'

interface Answer { status: number, headers: Record<string, string>, body: Buffer }

// Date moves; the rate-limit count and window are checked on their own; connection headers belong to the socket.
const NOT_COMPARED = new Set(['date', 'ratelimit-remaining', 'ratelimit-reset', 'connection', 'keep-alive'])

async function get (base: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  // undici would decompress a compressed body and leave the header: ask for the bytes as sent.
  const response = await fetch(`${base}${path}`, { method, headers, redirect: 'manual' })
  const body = Buffer.from(await response.arrayBuffer())
  return { status: response.status, headers: Object.fromEntries(response.headers), body }
}

function comparable (answer: Answer): Record<string, string> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !NOT_COMPARED.has(name)).sort(([a], [b]) => a.localeCompare(b)))
}

/** Opens and closes the app's front door around requests. */
function door (app: FastifyInstance) {
  const lane = frontDoorLane(app.server)
  if (lane === null) throw new Error('the app opened no front door')
  return {
    open: () => setFrontDoorLane(app.server, lane),
    close: () => setFrontDoorLane(app.server, null),
    answers: () => app.responseCache.frontDoorAnswers
  }
}

async function started (t: TestContext, config: Record<string, unknown> = {}) {
  const lines: Array<Record<string, unknown>> = []
  const app = await build(t, {
    publishOnEmpty: true,
    config: { LOG_LEVEL: 'info', ...config },
    logStream: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } }
  })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base, lines, door: door(app) }
}

const PATHS = [
  '/v1/conditions/ptsd', '/v1/conditions/ptsd?include=risks,mechanisms', '/v1/conditions/ptsd?locale=es', '/v1/conditions/ptsd/',
  '/v1/conditions/treatment-resistant-depression?include=risks', '/v1/risks/dissociative-effects', '/v1/topics/what-is-ketamine?locale=es',
  '/v1/mechanisms/nmda-receptor-blockade', '/v1/conditions/ptsd.html', '/v1/conditions/ptsd.jsonld', '/v1/risks/dissociative-effects.html?locale=es',
  '/v1/risks?limit=5', '/v1/conditions?sort=title_desc&limit=3', '/v1/topics?locale=es', '/v1/search?q=ketamine', '/v1/search?q=dissociation&limit=2',
  '/v1/conditions/ptsd/versions/1'
]
// Never kept: a history (not a response-cache route), a redirect, a preview, an unknown slug, a bad parameter, a repeated parameter.
const NOT_KEPT = ['/v1/conditions/ptsd/versions', '/v1/conditions/ptsd?format=html', '/v1/conditions/ptsd?preview=true', '/v1/conditions/no-such-thing', '/v1/risks?limit=9999', '/v1/conditions/ptsd.html?format=json&format=html']
const ACCEPT_LANGUAGE = [undefined, 'es', 'es-MX,es;q=0.9,en;q=0.8', 'fr', 'en;q=0.1, es;q=0.5']
const ACCEPT = [undefined, 'application/json', 'text/html', 'application/ld+json', '*/*']
const ACCEPT_ENCODING = [undefined, 'br', 'gzip', 'gzip, br', 'br;q=0, gzip', 'identity', '*']
const CONDITIONS = ['none', 'same-etag', 'encoded-etag', 'weak-etag', 'other-etag', 'any', 'modified-since-future', 'modified-since-past'] as const

test('the front door answers exactly what Fastify answers', async (t) => {
  const { app, base, lines, door } = await started(t)
  let requestNumber = 0
  let answeredByDoor = 0
  let cases = 0
  const lineOf = (id: string) => lines.find((line) => line.reqId === id)

  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...PATHS, ...NOT_KEPT), fc.constantFrom(...ACCEPT_LANGUAGE), fc.constantFrom(...ACCEPT), fc.constantFrom(...ACCEPT_ENCODING), fc.constantFrom(...CONDITIONS), fc.boolean(),
    async (path, acceptLanguage, accept, acceptEncoding, condition, sendRequestId) => {
      cases++
      const headers: Record<string, string> = {}
      if (acceptLanguage) headers['accept-language'] = acceptLanguage
      if (accept) headers.accept = accept
      if (acceptEncoding) headers['accept-encoding'] = acceptEncoding
      door.close()
      // What the client would hold: the representation's ETag (this request also fills the cache).
      const plain = await get(base, path, headers)
      const etag = plain.headers.etag ?? '"none"'
      const conditional: Record<typeof CONDITIONS[number], Record<string, string>> = {
        none: {},
        'same-etag': { 'if-none-match': etag },
        'encoded-etag': { 'if-none-match': etag.replace(/"$/, '-gzip"') },
        'weak-etag': { 'if-none-match': `W/${etag}` },
        'other-etag': { 'if-none-match': '"something-else"' },
        any: { 'if-none-match': '*' },
        'modified-since-future': { 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' },
        'modified-since-past': { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }
      }
      Object.assign(headers, conditional[condition])
      // Of one length, so an error body that quotes its request id has the same length on both paths.
      const ids = sendRequestId ? [`case-${++requestNumber}-f`, `case-${requestNumber}-d`] : [undefined, undefined]

      const byFastify = await get(base, path, ids[0] ? { ...headers, 'x-request-id': ids[0] } : headers)
      door.open()
      const before = door.answers()
      const byDoor = await get(base, path, ids[1] ? { ...headers, 'x-request-id': ids[1] } : headers)
      const doorAnswered = door.answers() > before
      door.close()
      if (doorAnswered) answeredByDoor++

      const what = `${path} ${JSON.stringify(headers)}`
      t.equal(byDoor.status, byFastify.status, `status: ${what}`)
      // Problems quote their request id (Fastify answers them on both paths): that is the one thing they may differ in.
      const withoutId = (answer: Answer) => answer.body.toString('latin1').replaceAll(answer.headers['x-request-id'] ?? '\u0000', '<id>')
      t.equal(withoutId(byDoor), withoutId(byFastify), `body bytes: ${what}`)
      const expected = comparable(byFastify)
      const actual = comparable(byDoor)
      if (ids[0]) {
        t.equal(expected['x-request-id'], ids[0])
        t.equal(actual['x-request-id'], ids[1], `the client's request id comes back: ${what}`)
      } else {
        t.match(actual['x-request-id'], /^[0-9a-f-]{36}$/, 'a generated request id')
      }
      delete expected['x-request-id']
      delete actual['x-request-id']
      t.same(actual, expected, `headers: ${what}`)
      if (byFastify.headers['ratelimit-remaining'] !== undefined) {
        t.equal(Number(byDoor.headers['ratelimit-remaining']), Number(byFastify.headers['ratelimit-remaining']) - 1, 'one count per request, whichever path answers')
        const resetMoved = Number(byFastify.headers['ratelimit-reset']) - Number(byDoor.headers['ratelimit-reset'])
        t.ok(resetMoved >= 0 && resetMoved <= 1, 'the same window (its seconds left may tick between the two)')
      }
      if (ids[0]) {
        const fastifyLine = lineOf(ids[0])
        const doorLine = lineOf(ids[1] as string)
        t.ok(fastifyLine && doorLine, 'one access line each')
        t.same({ ...doorLine, reqId: undefined, time: undefined, ms: undefined }, { ...fastifyLine, reqId: undefined, time: undefined, ms: undefined }, `access line: ${what}`)
      }
      // A kept answer (a 200 Fastify also answered from its cache, or its 304) must not cost a Fastify request.
      const kept = byFastify.status === 200 || byFastify.status === 304
      if (kept && !NOT_KEPT.includes(path)) t.ok(doorAnswered, `the door answers a kept answer: ${what}`)
      if (NOT_KEPT.includes(path)) t.notOk(doorAnswered, `Fastify answers what is not kept: ${what}`)
    }), { numRuns: Number(process.env.FC_RUNS ?? 150) })
  t.ok(answeredByDoor > cases / 2, `the door answered ${answeredByDoor} of ${cases} cases`)
  await app.close()
})

test('the door counts in the metrics and leaves what it cannot answer to Fastify', async (t) => {
  const { base, door } = await started(t)
  const path = '/v1/conditions/ptsd?include=risks'
  const counted = async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    const line = text.split('\n').find((entry) => entry.startsWith('kca_http_requests_total{') && entry.includes('route="/v1/conditions/:slug"') && entry.includes('status="200"') && entry.includes('method="GET"'))
    return Number(line?.split(' ').pop() ?? 0)
  }
  t.equal((await get(base, path, {})).status, 200, 'Fastify fills the cache')
  const before = door.answers()
  const countedBefore = await counted()
  for (let index = 0; index < 5; index++) t.equal((await get(base, path, {})).status, 200)
  t.equal(door.answers() - before, 5, 'five answers by the door')
  t.equal(await counted() - countedBefore, 5, 'and five in kca_http_requests_total')
  t.match(await (await fetch(`${base}/metrics`)).text(), /kca_response_cache_front_door_answers_total \d+/)

  const untouched = door.answers()
  t.equal((await get(base, path, { authorization: 'Bearer kca_not_a_real_key' })).status, 401, 'a presented key is Fastify\'s to judge')
  t.equal((await get(base, path, { 'x-api-key': 'kca_not_a_real_key' })).status, 401)
  t.equal((await get(base, path, {}, 'HEAD')).status, 200, 'HEAD is answered by Fastify')
  t.equal((await get(base, '/v1/conditions/ptsd?include=risks&preview=true', {})).status, 401, 'a preview (it needs a key) is never kept')
  t.equal(door.answers(), untouched, 'none of these went through the door')
})

test('over its limit, a client is refused by Fastify\'s limiter, door or not', async (t) => {
  const { base, door } = await started(t, { RATE_LIMIT_ANONYMOUS: 4 })
  const path = '/v1/risks/dissociative-effects'
  const remaining: number[] = []
  for (let index = 0; index < 4; index++) {
    const answer = await get(base, path, {})
    t.equal(answer.status, 200)
    remaining.push(Number(answer.headers['ratelimit-remaining']))
  }
  t.same(remaining, [3, 2, 1, 0], 'the door and Fastify count in one window')
  t.ok(door.answers() >= 3, 'the door answered the kept ones')
  const refused = await get(base, path, {})
  t.equal(refused.status, 429)
  t.equal(JSON.parse(refused.body.toString()).code, 'KCA_ERR_RATE_LIMITED')
  t.ok(Number(refused.headers['retry-after']) > 0, 'with Retry-After')
})
