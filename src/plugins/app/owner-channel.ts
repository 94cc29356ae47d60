// The local channel of the process that owns an embedded database. Commands (content:publish, keys, …) must not
// open a PGlite directory this server holds, so they send their work here and the server runs the same command
// function against its own handle; a publish is swapped in before the command hears "published".
//
// Why a second listener beside the Fastify app: this channel must never be reachable from the public port, not
// even behind a route guard, and it must bypass the public hooks (rate limits, load shedding, request deadlines
// that would cut a long publish off). A bare node:http server on a Unix socket only this user can open (0600),
// next to the data directory, plus the random token from the 0600 lock file, keeps it local and owner-only.
import { timingSafeEqual } from 'node:crypto'
import { chmod, unlink } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import { isCommandName, runCommand, type CommandArgs } from '../../commands/index.js'

const MAX_BODY_BYTES = 64 * 1024

export default fp(async (app) => {
  const lock = app.database.lock
  if (!lock || !lock.record.endpoint) return
  const endpoint = lock.record.endpoint
  const token = Buffer.from(lock.record.token)

  const onPublished = async (release: number): Promise<string> => {
    const served = await app.refreshRelease('hand-off')
    return served !== null && served >= release
      ? `the running server (pid ${process.pid}) now serves release ${served}`
      : `warning: the running server (pid ${process.pid}) still serves release ${served ?? 'none'}; release ${release} is stored and will be served after its next refresh or restart`
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const presented = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''))
    if (presented.length !== token.length || !timingSafeEqual(presented, token)) return answer(401, { error: 'wrong or missing token' })
    if (req.method !== 'POST' || req.url !== '/commands') return answer(404, { error: 'POST /commands only' })
    let size = 0
    const chunks: Buffer[] = []
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY_BYTES) return answer(413, { error: `body over ${MAX_BODY_BYTES} bytes` })
      chunks.push(chunk as Buffer)
    }
    let body: { command?: unknown, args?: unknown }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body
    } catch {
      return answer(400, { error: 'body is not JSON' })
    }
    if (!isCommandName(body.command)) return answer(400, { error: `unknown command ${JSON.stringify(body.command)}` })
    const args = body.args
    if (typeof args !== 'object' || args === null || Array.isArray(args) || !Object.values(args).every((value) => ['string', 'boolean', 'undefined'].includes(typeof value))) {
      return answer(400, { error: 'args must be an object of strings and booleans' })
    }
    app.log.info({ command: body.command }, 'running a command handed over by a local process')
    const output = await runCommand(body.command, { database: app.database, onPublished }, args as CommandArgs)
    app.log.info({ command: body.command, exitCode: output.exitCode }, 'handed-over command finished')
    answer(200, output)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      app.log.error({ err: error }, 'local channel request failed')
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'internal error; see the server log' }))
    })
  })
  // We hold the directory's lock, so a socket file left here is from a process that is gone.
  await unlink(endpoint).catch(() => {})
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ path: endpoint, exclusive: true }, () => resolve())
    })
    await chmod(endpoint, 0o600)
  } catch (error) {
    // Serving matters more than the channel: without it, commands refuse with the owner named (exit 4).
    app.log.error({ err: error, endpoint }, 'local command channel unavailable; commands cannot hand their work to this server')
    server.close()
    return
  }
  app.log.info({ endpoint }, 'local command channel ready')

  // Closed before the database (onClose runs in reverse order of registration): a command still running
  // finishes against an open database and its answer is sent before the process lets go of the directory.
  app.addHook('onClose', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await unlink(endpoint).catch(() => {})
  })
}, { name: 'owner-channel', dependencies: ['database', 'content'] })
