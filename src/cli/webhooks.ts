// npm run webhooks -- add --url https://partner.example/hook | list | remove --id N | deliveries --id N
import { parseArgs } from 'node:util'
import { configOrExit, executeCommand } from './shared.js'

const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  options: { url: { type: 'string' }, id: { type: 'string' } },
  allowPositionals: true,
  strict: true
})
await executeCommand(configOrExit(), 'webhooks', { action: positionals[0], ...values })
