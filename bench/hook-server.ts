// The server of src/server.ts for bench/hook-cost.ts, with one family of hooks left out (HOOK_COST_DROP): each
// hook is recognised by the file that registered it (from the stack at addHook time), so nothing in src/ knows
// about the benchmark. Never used outside the benchmark; an app without its hooks is not a correct app.
import Fastify, { type FastifyInstance } from 'fastify'
import { loadConfig } from '../src/config.js'
import { serverOptions } from '../src/server-options.js'
import app from '../src/app.js'
import { HOOK_FAMILIES } from './hook-families.js'

const drop = process.env.HOOK_COST_DROP ? process.env.HOOK_COST_DROP.split(',') : []
const config = loadConfig()
const server = Fastify(serverOptions(config))
const dropped: string[] = []
type AddHook = (this: FastifyInstance, name: string, fn: unknown) => FastifyInstance
const addHook = server.addHook as unknown as AddHook
// Encapsulated contexts are Object.create(root): they find this wrapper too, and it calls through with their `this`.
;(server as unknown as { addHook: AddHook }).addHook = function (name, fn) {
  // Skip the frames of this wrapper and of Fastify itself: what is left names who asked.
  const stack = (new Error().stack ?? '').split('\n').slice(2).filter((line) => !/node_modules\/(fastify|avvio)\//.test(line)).join('\n')
  for (const family of drop) {
    const spec = HOOK_FAMILIES[family]
    if (!spec) throw new Error(`unknown hook family ${family}`)
    if (spec.kinds.includes(name) && spec.registeredFrom.test(stack) && !(spec.not?.test(stack))) {
      dropped.push(`${family}:${name}`)
      return this
    }
  }
  return addHook.call(this, name, fn)
}
await server.register(app, { config })
await server.listen({ port: config.PORT, host: '127.0.0.1' })
process.stdout.write(`listening ${config.PORT}; dropped ${dropped.join(' ') || 'nothing'}\n`)
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { server.close().then(() => process.exit(0), () => process.exit(1)) })
