// npm run content:verify — recompute every content hash and the audit chain; exit 1 naming any bad row.
import { configOrExit, executeCommand } from './shared.js'

await executeCommand(configOrExit(), 'content:verify', {})
