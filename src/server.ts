// The only place that builds and starts the server. Shuts down gracefully on SIGINT/SIGTERM.
import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ConfigError, loadConfig } from './config.js'
import { serverOptions } from './server-options.js'
import app from './app.js'
import { DataDirOwnedError } from '../db/owner-lock.js'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
  const server = Fastify(serverOptions(config)).withTypeProvider<TypeBoxTypeProvider>()
  try {
    await server.register(app, { config })
  } catch (error) {
    // Another process owns the embedded database: say who and stop, before touching the directory.
    if (error instanceof DataDirOwnedError) {
      process.stderr.write(`${error.message}. Stop that process first, or point PGLITE_DIR at another directory.\n`)
      process.exit(1)
    }
    throw error
  }
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'closing after an error')
    else server.log.info({ signal }, 'closing')
    await server.close()
  })
  await server.listen({ port: config.PORT, host: config.HOST })
}

await main()
