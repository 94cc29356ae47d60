// npm run preview [-- --port 4321 --seeds seeds] — serve the working files, drafts included, as the embed HTML
// and JSON at http://127.0.0.1:<port>/, re-rendered on every save. Publishes nothing, touches no database.
import { formatProblems } from '../content/problems.js'
import { startPreview } from '../content/preview.js'
import { DEFAULT_SEEDS_DIR, parseCliArgs } from './shared.js'

const DEFAULT_PORT = 4321

const args = parseCliArgs({ port: { type: 'string' }, seeds: { type: 'string' } })
const port = args.port === undefined ? DEFAULT_PORT : Number(args.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${args.port}"\n`)
  process.exit(2)
}
const preview = await startPreview({
  seedsDir: args.seeds ?? DEFAULT_SEEDS_DIR,
  port,
  onLoad: (corpus) => {
    const drafts = corpus.entities.filter((entity) => entity.status === 'draft').length
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} loaded ${corpus.entities.length} files (${drafts} draft)\n`)
    if (corpus.problems.length > 0) process.stderr.write(formatProblems(corpus.problems).replace(/nothing was changed\.\n$/, 'fix them before publishing.\n'))
  }
})
process.stdout.write(`Preview of the working files at ${preview.url}/ (Ctrl-C to stop). Nothing is published.\n`)
const stop = () => { preview.close().then(() => process.exit(0), () => process.exit(1)) }
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
