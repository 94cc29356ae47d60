// Built for production (issue 14, deliver 4): the compose file and the Dockerfile say what the code needs, and
// the built JavaScript serves the seeded content with production dependencies only, started the way `npm start`
// starts it on a production install.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { cp, link, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { test } from 'tap'
import { parse } from 'yaml'
import { EnvSchema } from '../../schema/env.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { PACKAGE_ROOT, packagePath } from '../../src/paths.js'

const run = promisify(execFile)
const SETTINGS = Object.keys(EnvSchema.properties).sort()
const defaultOf = (key: string) => (EnvSchema.properties as Record<string, { default?: unknown }>)[key]?.default

/** What the runtime image holds beside dist/ and node_modules/ (the Dockerfile's last stage copies exactly these). */
const RUNTIME_FILES = ['package.json', 'db/migrations', 'schema/graphql', 'public', 'seeds']

test('package.json: built code in production, TypeScript only in development', async (t) => {
  const pkg = JSON.parse(await readFile(packagePath('package.json'), 'utf8'))
  t.notOk(pkg.dependencies.tsx, 'tsx is not a production dependency')
  t.ok(pkg.devDependencies.tsx)
  t.notOk(Object.keys(pkg.dependencies).some((name: string) => /^(typescript|tap|eslint|@types\/|drizzle-kit)/.test(name)), 'no build or test tool in dependencies')
  // Heap limits (issue 13: without them V8 lets garbage reach ~230 MB before its first full collection).
  t.match(pkg.scripts.start, /^node( --max-[a-z-]+=\d+)+ scripts\/start\.js$/)
  t.match(pkg.scripts.dev, /node --watch --import tsx src\/server\.ts/)
  t.equal(pkg.scripts.build, 'node scripts/build.js')
})

test('docker-compose.yml: two API instances, PostgreSQL and Redis, and every setting of the schema', async (t) => {
  const compose = parse(await readFile(packagePath('docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown>, command?: string[], depends_on?: Record<string, unknown>, image?: string, ports?: string[] }>
  }
  const { services } = compose
  t.match(services.postgres?.image, /^postgres:/)
  t.match(services.redis?.image, /^redis:/)
  t.same(services.migrate?.command?.slice(0, 2), ['node', 'dist/src/cli/migrate.js'], 'a one-shot migrate before the APIs')
  const apis = Object.entries(services).filter(([name]) => /^api-\d$/.test(name))
  t.equal(apis.length, 2, 'two API instances')
  for (const [name, service] of apis) {
    const environment = service.environment ?? {}
    t.same(Object.keys(environment).sort(), SETTINGS, `${name}: exactly the settings of schema/env.ts`)
    const resolved: Record<string, string> = {}
    for (const [key, raw] of Object.entries(environment)) {
      const value = String(raw)
      const interpolated = /^\$\{([A-Z0-9_]+):-(.*)\}$/.exec(value)
      if (interpolated) {
        t.equal(interpolated[1], key, `${name}: ${key} is overridden by its own name`)
        if (defaultOf(key) !== undefined) t.equal(interpolated[2], String(defaultOf(key)), `${name}: ${key} defaults to the schema's default`)
        resolved[key] = interpolated[2] ?? ''
      } else resolved[key] = value
    }
    let config
    try {
      config = loadConfig(resolved)
    } catch (error) {
      t.fail(`${name}: the environment is valid (${(error as ConfigError).message})`)
      continue
    }
    t.match(config, { HOST: '0.0.0.0', NODE_ENV: 'production', DATABASE_URL: /@postgres:5432\//, RATE_LIMIT_REDIS_URL: 'redis://redis:6379' }, name)
    t.ok(service.depends_on && 'migrate' in service.depends_on, `${name} starts after the migration`)
    t.match(service.ports?.[0], /:3000$/)
  }
})

test('Dockerfile: multi-stage, production dependencies, non-root, HOST=0.0.0.0, health check on readiness', async (t) => {
  const dockerfile = await readFile(packagePath('Dockerfile'), 'utf8')
  // Continuation lines joined: a HEALTHCHECK continued onto a CMD line is one instruction.
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
  const stages: string[][] = []
  for (const line of lines) {
    if (line.startsWith('FROM ')) stages.push([line])
    else stages.at(-1)?.push(line)
  }
  t.ok(stages.length >= 2, `multi-stage (${stages.length} stages)`)
  const final = stages.at(-1) ?? []
  t.ok(lines.some((line) => /^RUN npm ci --omit=dev\b/.test(line)), 'a stage installs production dependencies only')
  t.ok(lines.some((line) => /^RUN npm run build$/.test(line)), 'a stage builds')
  const user = final.find((line) => line.startsWith('USER '))
  t.ok(user && !/^USER (root|0)(:|$)/.test(user), `the last stage runs as a non-root user (${user})`)
  const env = final.filter((line) => line.startsWith('ENV ')).join(' ')
  t.match(env, /\bHOST=0\.0\.0\.0\b/)
  t.match(env, /\bNODE_ENV=production\b/)
  t.match(final.find((line) => line.startsWith('HEALTHCHECK')) ?? '', /--interval/)
  t.match(dockerfile, /HEALTHCHECK[^]*\/health\/ready/, 'the health check asks for readiness')
  // The same heap limits as `npm start`.
  const pkg = JSON.parse(await readFile(packagePath('package.json'), 'utf8')) as { scripts: { start: string } }
  const flags = pkg.scripts.start.split(/\s+/).filter((token) => token.startsWith('--'))
  t.equal(final.find((line) => line.startsWith('CMD ')), `CMD ${JSON.stringify(['node', ...flags, 'dist/src/server.js']).replaceAll('","', '", "')}`)
  t.ok(final.some((line) => /^COPY --from=\w+ \/app\/dist \.\/dist$/.test(line)), 'the built dist/')
  t.ok(final.some((line) => /^COPY --from=\w+ \/app\/node_modules \.\/node_modules$/.test(line)), 'production node_modules')
  for (const path of RUNTIME_FILES) t.ok(final.includes(`COPY ${path} ./${path === 'package.json' ? '' : path}`), `copies ${path}`)
  for (const line of final.filter((line) => /^ENV |^CMD |^HEALTHCHECK/.test(line))) {
    for (const name of line.match(/\b[A-Z][A-Z0-9_]{2,}(?==)/g) ?? []) t.ok(SETTINGS.includes(name), `${name} is a setting of the schema`)
  }
})

test('every run-time file the code reads from the package root is shipped', async (t) => {
  const used = new Set<string>()
  const visit = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name)
      if (entry.isDirectory()) await visit(path)
      else if (path.endsWith('.ts')) {
        for (const match of (await readFile(path, 'utf8')).matchAll(/packagePath\(((?:'[^']+'(?:, )?)+)\)/g)) {
          used.add((match[1] ?? '').split(', ').map((part) => part.slice(1, -1)).join('/'))
        }
      }
    }
  }
  await visit(packagePath('src'))
  await visit(packagePath('db'))
  // A path relative to the module would point into dist/ once built: run-time files go through packagePath.
  const relativeReads: string[] = []
  const scan = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name)
      if (entry.isDirectory()) await scan(path)
      else if (path.endsWith('.ts') && /new URL\('\.{1,2}\//.test(await readFile(path, 'utf8'))) relativeReads.push(relative(PACKAGE_ROOT, path))
    }
  }
  await scan(packagePath('src'))
  await scan(packagePath('db'))
  t.same(relativeReads, [], 'no file read relative to a module')
  t.ok(used.size >= 4, `found ${[...used].join(', ')}`)
  for (const path of used) {
    t.ok(RUNTIME_FILES.some((shipped) => path === shipped || path.startsWith(`${shipped}/`)), `${path} is shipped`)
    t.ok(existsSync(packagePath(path)), `${path} exists`)
  }
})

test('the built server serves the seeded content with production dependencies only', { timeout: 300_000 }, async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'kca-production-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  // The layout of the runtime image: dist/ from the compiler, the run-time files, start.js, production modules.
  const tsc = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  await run(process.execPath, [tsc, '-p', packagePath('tsconfig.build.json'), '--outDir', join(directory, 'dist')], { cwd: PACKAGE_ROOT, timeout: 240_000 })
  for (const path of [...RUNTIME_FILES, 'scripts']) await cp(packagePath(path), join(directory, path), { recursive: true })
  // `npm ci --omit=dev` would download the same tree again; hard links of exactly the packages it installs
  // (npm ls --omit=dev) give the same node_modules offline. The README records a real `npm ci --omit=dev` run.
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: PACKAGE_ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 })
  const modules = join(PACKAGE_ROOT, 'node_modules')
  const tops = stdout.split('\n').filter((path) => path.startsWith(`${modules}/`)).map((path) => relative(modules, path)).filter((path) => !path.includes('node_modules'))
  t.ok(tops.length > 50, `${tops.length} production packages`)
  for (const top of tops) await hardLinkTree(join(modules, top), join(directory, 'node_modules', top))
  for (const devOnly of ['tsx', 'typescript', 'tap', 'drizzle-kit', 'esbuild']) t.notOk(existsSync(join(directory, 'node_modules', devOnly)), `${devOnly} is not installed`)

  const child = spawn(process.execPath, ['scripts/start.js'], {
    cwd: directory,
    // Shedding and the request deadline off: on a loaded test machine they would answer 503s this test is not about.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', PGLITE_DIR: 'memory://', LOG_LEVEL: 'info', MAX_EVENT_LOOP_DELAY_MS: '0', REQUEST_TIMEOUT_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const started = Date.now()
  let origin: string | undefined
  while (!origin && child.exitCode === null && Date.now() - started < 240_000) {
    origin = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (!origin) {
    t.fail(`the built server did not start: ${output.slice(-2000)}`)
    return
  }
  const listed = await fetch(`${origin}/v1/conditions?limit=100`)
  const conditions = await listed.json() as { items?: Array<{ slug: string }> }
  t.equal(listed.status, 200, JSON.stringify(conditions).slice(0, 500))
  t.ok((conditions.items ?? []).some((item) => item.slug === 'ptsd'), 'the seeded content (seeds/ from the package root)')
  t.equal((await fetch(`${origin}/health/ready`)).status, 200, 'migrations from db/migrations')
  const graphql = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ condition(slug: "ptsd") { title } }' }) })
  t.match(await graphql.json(), { data: { condition: { title: /PTSD|post-traumatic/i } } }, 'GraphQL from schema/graphql')
  t.equal((await fetch(`${origin}/embed/conditions/ptsd`)).status, 200, 'embed pages from public/')
  t.equal((await fetch(`${origin}/graphiql`)).status, 404, 'started in production: no GraphiQL')
  child.kill('SIGTERM')
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0, 'graceful exit')
})

async function hardLinkTree (from: string, to: string): Promise<void> {
  const info = await stat(from)
  if (info.isDirectory()) {
    await mkdir(to, { recursive: true })
    for (const name of await readdir(from)) await hardLinkTree(join(from, name), join(to, name))
  } else {
    await mkdir(dirname(to), { recursive: true })
    await link(from, to).catch(async () => { await cp(from, to) })
  }
}
