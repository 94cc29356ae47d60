// The ceiling: a bare Fastify route in the same kind of process, answering a static JSON body of the size
// given in BARE_BODY_BYTES (the size of the REST entity answer measured in the same run).
import Fastify from 'fastify'

const size = Number(process.env.BARE_BODY_BYTES ?? 3000)
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 14)) })
const app = Fastify({ logger: false })
app.get('/static', (_request, reply) => { reply.type('application/json').send(body) })
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`)
