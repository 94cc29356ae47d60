// The commit the content came from, recorded with each release like a migration's id.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

export async function gitCommit (directory: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: directory, timeout: 2000 })
    const commit = stdout.trim()
    return /^[0-9a-f]{40}$/.test(commit) ? commit : null
  } catch {
    return null
  }
}
