// The ceilings: bare Fastify routes in the same kind of process, each sending what one scenario sends, with
// nothing else: a static JSON body of the entity's size (BARE_BODY_BYTES), a tiny body like a liveness probe,
// a 304 for a matching If-None-Match, and the same brotli bytes as the API's compressed answer (BARE_BR_FILE).
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const size = Number(process.env.BARE_BODY_BYTES ?? 3000)
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 14)) })
const brotli = process.env.BARE_BR_FILE ? readFileSync(process.env.BARE_BR_FILE) : null
const etag = '"bare-etag"'
const app = Fastify({ logger: false })
app.get('/static', (_request, reply) => { reply.type('application/json').send(body) })
app.get('/tiny', (_request, reply) => { reply.type('application/json').send('{"status":"ok"}') })
app.get('/not-modified', (request, reply) => {
  reply.header('etag', etag)
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return reply.type('application/json').send(body)
})
app.get('/static-br', (_request, reply) => {
  reply.type('application/json').header('content-encoding', 'br').header('vary', 'accept-encoding').send(brotli ?? body)
})
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`)
