// npm run content:verify — recompute every content hash and the audit chain; exit 1 naming any bad row.
import { verifyContent } from '../content/verify.js'
import { configOrExit, openDatabase } from './shared.js'

const database = await openDatabase(configOrExit())
try {
  const { checked, problems } = await verifyContent(database.db)
  for (const problem of problems) {
    process.stderr.write(`${problem.entity} version ${problem.version}${problem.versionId ? ` (row ${problem.versionId})` : ` (audit ${problem.auditId})`}: ${problem.problem}\n`)
  }
  process.stdout.write(`${checked} versions checked, ${problems.length} problem(s)\n`)
  process.exitCode = problems.length > 0 ? 1 : 0
} finally {
  await database.close()
}
