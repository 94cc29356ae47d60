// Requests refused before any route runs — by Fastify's router or by Node's HTTP parser — still answer a coded
// problem+json with a request id and CORS headers, never echo a hostile path, and never answer 500. Known paths
// asked with another method are 405 with Allow; OPTIONS without Origin is a plain capability request.
import { connect } from 'node:net'
import { test, type Test } from 'tap'
import { build } from '../helper.js'
import { ERROR_CATALOGUE, isErrorCode } from '../../src/errors.js'

interface Answer { statusCode: number, headers: Record<string, string | string[] | number | undefined>, body: string }

function checkProblem (t: Test, answer: Answer, status: number, code: string, label: string) {
  t.equal(answer.statusCode, status, `${label}: ${status}`)
  t.match(answer.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`)
  t.equal(answer.headers['access-control-allow-origin'], '*', `${label}: CORS`)
  t.match(answer.headers['access-control-expose-headers'], /x-request-id/, `${label}: the request id is readable by a browser`)
  t.equal(answer.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`)
  const body = JSON.parse(answer.body) as { code: string, type: string, requestId: string }
  t.equal(body.code, code, `${label}: ${code}`)
  t.ok(isErrorCode(body.code) && ERROR_CATALOGUE[body.code].status === status, `${label}: registered with this status`)
  t.equal(body.type, `/docs/errors#${code}`)
  t.match(body.requestId, /\S+/)
  t.equal(answer.headers['x-request-id'], body.requestId, `${label}: the header and the body name the same request`)
}

/** Sends raw bytes (things no HTTP client library will send) and reads the answer until the server closes. */
function rawRequest (port: number, bytes: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(10_000, () => reject(new Error('no answer within 10 s')))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of headerLines) {
        const index = line.indexOf(':')
        headers[line.slice(0, index).trim().toLowerCase()] = line.slice(index + 1).trim()
      }
      resolve({ statusCode: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') })
    })
    socket.end(bytes)
  })
}

test('hostile inputs refused before routing', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  t.test('a URL that is not valid percent-encoding (FST_ERR_BAD_URL)', async (t) => {
    const answer = await app.inject('/v1/conditions/%ff%fe')
    checkProblem(t, answer, 400, 'KCA_ERR_BAD_URL', '%ff%fe')
  })

  t.test('a 10 KB slug: 414 that does not echo the path', async (t) => {
    const slug = 'a'.repeat(10 * 1024)
    for (const url of [`/v1/conditions/${slug}`, `/v1/conditions/${slug}.html`, `/embed/conditions/${slug}`]) {
      const answer = await app.inject(url)
      checkProblem(t, answer, 414, 'KCA_ERR_URI_TOO_LONG', url.slice(0, 30))
      t.notMatch(answer.body, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'the path is not echoed')
      t.ok(answer.body.length < 1000, `a short answer (${answer.body.length} bytes)`)
    }
  })

  t.test('a long unknown path is echoed only in part', async (t) => {
    const answer = await app.inject(`/${'b'.repeat(10 * 1024)}`)
    t.equal(answer.statusCode, 404)
    t.ok(answer.body.length < 1000, `a short answer (${answer.body.length} bytes)`)
  })

  t.test('an unknown method (FOO) over a real socket: 501', async (t) => {
    const answer = await rawRequest(port, 'FOO /v1/conditions HTTP/1.1\r\nHost: localhost\r\n\r\n')
    checkProblem(t, answer, 501, 'KCA_ERR_METHOD_NOT_IMPLEMENTED', 'FOO')
  })

  t.test('a URL over 16 KiB: 431 from the parser', async (t) => {
    const answer = await rawRequest(port, `GET /v1/conditions?q=${'x'.repeat(17 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    checkProblem(t, answer, 431, 'KCA_ERR_HEADERS_TOO_LARGE', '17 KiB URL')
    t.notMatch(answer.body, 'xxxxxxxxxxxxxxxxxxxxxxxx', 'nothing of the request is echoed')
  })

  t.test('headers over 16 KiB: 431', async (t) => {
    const answer = await rawRequest(port, `GET /v1/conditions HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'y'.repeat(17 * 1024)}\r\n\r\n`)
    checkProblem(t, answer, 431, 'KCA_ERR_HEADERS_TOO_LARGE', '17 KiB header')
  })

  t.test('a malformed request line: 400', async (t) => {
    const answer = await rawRequest(port, 'GET /v1/conditions HTTP/9.9 extra\r\n\r\n')
    checkProblem(t, answer, 400, 'KCA_ERR_BAD_REQUEST', 'bad request line')
  })

  t.test('TRACE and other methods on operational paths: 405 with Allow, not 404', async (t) => {
    for (const url of ['/metrics', '/health/live', '/health/ready', '/embed.js', '/openapi.json', '/docs/errors', '/v1/conditions/ptsd.html']) {
      for (const method of ['TRACE', 'POST', 'DELETE', 'PUT'] as const) {
        const answer = await app.inject({ method, url, headers: { origin: 'https://partner.example' } })
        checkProblem(t, answer, 405, 'KCA_ERR_METHOD_NOT_ALLOWED', `${method} ${url}`)
        t.equal(answer.headers.allow, 'GET, HEAD, OPTIONS', `${method} ${url}: Allow`)
      }
    }
    const graphql = await app.inject({ method: 'DELETE', url: '/graphql' })
    t.equal(graphql.statusCode, 405)
    t.equal(graphql.headers.allow, 'GET, HEAD, POST, OPTIONS')
    const unknown = await app.inject({ method: 'TRACE', url: '/nowhere' })
    checkProblem(t, unknown, 404, 'KCA_ERR_ROUTE_NOT_FOUND', 'TRACE /nowhere')
  })

  t.test('every route answers 405 with Allow to a method it does not take', async (t) => {
    const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> }
    for (const [template, operations] of Object.entries(document.paths)) {
      const url = template.replace('{type}', 'conditions').replace(/\{[a-z]+\}/g, (name) => (name === '{slug}' ? 'ptsd' : '1'))
      const answer = await app.inject({ method: 'PATCH', url })
      t.equal(answer.statusCode, 405, `PATCH ${url}`)
      t.same(answer.headers.allow?.toString().split(', '), ['GET', 'HEAD', ...Object.keys(operations).filter((method) => method !== 'get').map((method) => method.toUpperCase()), 'OPTIONS'], `${url}: Allow`)
    }
  })

  t.test('OPTIONS without Origin is a capability request: 204 with Allow', async (t) => {
    const answer = await app.inject({ method: 'OPTIONS', url: '/v1/conditions' })
    t.equal(answer.statusCode, 204)
    t.equal(answer.headers.allow, 'GET, HEAD, OPTIONS')
    t.notMatch(String(answer.headers['content-type']), /text\/plain/)
    t.ok(answer.headers['x-request-id'])
  })

  t.test('CORS: a preflight may ask for X-Request-Id, and answers expose it', async (t) => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/conditions/ptsd',
      headers: { origin: 'https://partner.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-request-id, x-api-key' }
    })
    t.equal(preflight.statusCode, 204)
    t.match(preflight.headers['access-control-allow-headers'], /x-request-id/)
    t.match(preflight.headers['access-control-allow-headers'], /x-api-key/)
    const read = await app.inject({ url: '/v1/conditions/ptsd', headers: { origin: 'https://partner.example', 'x-request-id': 'partner-trace-7' } })
    t.match(read.headers['access-control-expose-headers'], /x-request-id/)
    t.equal(read.headers['x-request-id'], 'partner-trace-7')
  })
})

test('a request arriving while the server closes gets a coded 503', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  // Half a request first: the connection is busy, so closing does not drop it, and the rest arrives during the close.
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('GET /v1/conditions HTTP/1.1\r\nHost: localhost\r\n')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const closing = app.close()
  await new Promise((resolve) => setTimeout(resolve, 200))
  const chunks: Buffer[] = []
  socket.on('data', (chunk) => chunks.push(chunk))
  const ended = new Promise((resolve) => socket.once('close', resolve))
  socket.write('\r\n')
  await ended
  await closing
  const text = Buffer.concat(chunks).toString('utf8')
  t.match(text, /^HTTP\/1\.1 503 /)
  t.match(text, /content-type: application\/problem\+json/i)
  t.match(text, /retry-after: 1/i)
  t.match(text, /"code":"KCA_ERR_SHUTTING_DOWN"/)
})
