// The commit the content came from, recorded with each release like a migration's id. A commit names the
// content only when the content directory has no uncommitted changes: otherwise the release also records
// `dirty` and a hash of the changed files, so two releases published from different edits of the same commit
// never look alike.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface SourceRevision {
  sourceCommit: string | null
  /** True when files under the content directory differ from the commit (modified, added, deleted, untracked). */
  sourceDirty: boolean
  /** sha256 over the sorted changed paths and their contents; null when clean. */
  sourceChangesHash: string | null
}

async function git (directory: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: directory, timeout: 5000, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

export async function gitCommit (directory: string): Promise<string | null> {
  try {
    const commit = (await git(directory, ['rev-parse', 'HEAD'])).trim()
    return /^[0-9a-f]{40}$/.test(commit) ? commit : null
  } catch {
    return null
  }
}

/** What a release records about where its content came from; all empty outside a git work tree. */
export async function sourceRevision (directory: string): Promise<SourceRevision> {
  const sourceCommit = await gitCommit(directory)
  if (sourceCommit === null) return { sourceCommit: null, sourceDirty: false, sourceChangesHash: null }
  // Only the content directory counts: a code change elsewhere in the tree does not change what is published.
  const root = (await git(directory, ['rev-parse', '--show-toplevel'])).trim()
  const status = await git(directory, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', '.'])
  // Entries are "XY <path>" separated by NUL, paths relative to the repository root.
  const paths = status.split('\0').filter((entry) => entry.length > 3).map((entry) => entry.slice(3)).sort()
  if (paths.length === 0) return { sourceCommit, sourceDirty: false, sourceChangesHash: null }
  const hash = createHash('sha256')
  for (const path of paths) {
    const content = await readFile(join(root, path)).catch(() => null)
    hash.update(`${path}\0${content === null ? 'deleted' : createHash('sha256').update(content).digest('hex')}\n`)
  }
  return { sourceCommit, sourceDirty: true, sourceChangesHash: hash.digest('hex') }
}
