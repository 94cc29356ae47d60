// npm run content:publish [-- --note "why"] — publish the seeds as a new release in one transaction. When a
// running server owns the embedded database, the server publishes and serves the release at once.
import { configOrExit, executeCommand, parseCliArgs, seedsDirOf } from './shared.js'

const args = parseCliArgs({ note: { type: 'string' }, seeds: { type: 'string' }, commit: { type: 'string' } })
const config = configOrExit()
await executeCommand(config, 'content:publish', { ...args, seeds: seedsDirOf(config, args.seeds) })
