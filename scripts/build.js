// npm run build: type-checks and emits JavaScript to dist/ (dist/src/server.js, dist/src/cli/*.js). The files
// the code reads at run time (db/migrations, schema/graphql, public, seeds) stay where they are: the code finds
// them from the package root (src/paths.ts), so dist/ must ship beside them, as the Dockerfile does.
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The TypeScript compiler, or null where dev dependencies are not installed. */
export function findTsc () {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc')
  } catch {
    return null
  }
}

/** Emits dist/ afresh (a file removed from src/ must not linger in dist/); answers tsc's exit status. */
export function build () {
  const tsc = findTsc()
  if (!tsc) {
    process.stderr.write('TypeScript is not installed here (a production install?): build where dev dependencies are installed\n')
    return 1
  }
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  return spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT }).status ?? 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = build()
