// Files the service reads at run time (migrations, the GraphQL SDL, public/, seeds/) live in the package root,
// not beside the code: the same paths serve `tsx src/…` in development and `node dist/src/…` when built.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot (from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory
    if (dirname(directory) === directory) throw new Error(`no package.json above ${from}`)
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))

/** An absolute path inside the package root. */
export function packagePath (...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments)
}
