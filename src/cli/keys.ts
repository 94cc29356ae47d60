// npm run keys -- create --name "Partner" --scopes read,preview | list | revoke --prefix <prefix>
import { parseArgs } from 'node:util'
import { configOrExit, executeCommand } from './shared.js'

const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  options: { name: { type: 'string' }, scopes: { type: 'string' }, prefix: { type: 'string' } },
  allowPositionals: true,
  strict: true
})
await executeCommand(configOrExit(), 'keys', { action: positionals[0], ...values })
