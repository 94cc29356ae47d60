// npm start: the built server, in production mode unless NODE_ENV says otherwise. On a clone with dev
// dependencies (`npm install && npm start`) it builds dist/ first when dist/ is missing or older than the
// sources; on a production install (no TypeScript) it runs dist/ as shipped. `.env` is loaded first when present,
// so a NODE_ENV written there is honoured; variables already in the environment win over the file.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, build, findTsc } from './build.js'

const ENTRY = join(ROOT, 'dist', 'src', 'server.js')

/** Newest modification time of the TypeScript sources and build settings that dist/ is made from. */
function newestSource () {
  let newest = 0
  const visit = (path) => {
    const stat = statSync(path)
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name))
    } else if (/\.ts$|tsconfig.*\.json$/.test(path)) newest = Math.max(newest, stat.mtimeMs)
  }
  for (const part of ['src', 'db', 'schema', 'tsconfig.json', 'tsconfig.build.json']) {
    const path = join(ROOT, part)
    if (existsSync(path)) visit(path)
  }
  return newest
}

const builtAt = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : 0
if (builtAt < newestSource()) {
  if (findTsc()) {
    process.stderr.write(builtAt ? 'dist/ is older than the sources: building\n' : 'no dist/ yet: building (once)\n')
    const status = build()
    if (status !== 0) process.exit(status)
  } else if (!builtAt) {
    process.stderr.write('dist/ is missing and TypeScript is not installed: run `npm run build` where dev dependencies are installed\n')
    process.exit(1)
  }
}

const envFile = join(process.cwd(), '.env')
if (existsSync(envFile)) process.loadEnvFile(envFile)
process.env.NODE_ENV ??= 'production'
await import(pathToFileURL(ENTRY).href)
