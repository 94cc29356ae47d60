// npm run migrate — the one command a deploy runs: schema migrations, then the content publish.
import { configOrExit, executeCommand, parseCliArgs, seedsDirOf } from './shared.js'

const args = parseCliArgs({ note: { type: 'string' }, seeds: { type: 'string' }, commit: { type: 'string' } })
const config = configOrExit()
await executeCommand(config, 'migrate', { ...args, seeds: seedsDirOf(config, args.seeds) })
