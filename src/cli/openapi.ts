// npm run clients:generate — print the OpenAPI document the routes describe (an in-memory database is
// enough: the document depends on the schemas, not on content).
import Fastify from 'fastify'
import { loadConfig } from '../config.js'
import { serverOptions } from '../server-options.js'
import app from '../app.js'

// Load shedding off: start-up on PGlite blocks the event loop, and the one request must not be shed.
const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'production', PGLITE_DIR: 'memory://', MAX_EVENT_LOOP_DELAY_MS: '0' })
const server = Fastify(serverOptions(config))
await server.register(app, { config, publishOnEmpty: false })
await server.ready()
// What /openapi.json serves, exactly (the error schema referenced once, not inlined).
process.stdout.write(`${JSON.stringify((await server.inject('/openapi.json')).json(), null, 2)}\n`)
await server.close()
