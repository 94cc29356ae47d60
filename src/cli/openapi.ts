// npm run clients:generate — print the OpenAPI document the routes describe (an in-memory database is
// enough: the document depends on the schemas, not on content).
import Fastify from 'fastify'
import { loadConfig } from '../config.js'
import { serverOptions } from '../server-options.js'
import app from '../app.js'

const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'production', PGLITE_DIR: 'memory://' })
const server = Fastify(serverOptions(config))
await server.register(app, { config, publishOnEmpty: false })
await server.ready()
process.stdout.write(`${JSON.stringify(server.swagger(), null, 2)}\n`)
await server.close()
