// npm run db:migrate — apply the schema migrations (under an advisory lock) and nothing else.
import { configOrExit, executeCommand } from './shared.js'

await executeCommand(configOrExit(), 'db:migrate', {})
