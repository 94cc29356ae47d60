// Every setting in one place (issue 14, deliver 5): schema/env.ts is the list; .env.example and the README's
// configuration table must name exactly its settings with its defaults; `.env` is loaded when present; absolute
// URLs come from PUBLIC_BASE_URL, never from the Host header.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'tap'
import { EnvSchema } from '../../schema/env.js'
import { loadConfig } from '../../src/config.js'
import { packagePath } from '../../src/paths.js'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const SETTINGS = Object.keys(EnvSchema.properties).sort()
const defaultOf = (key: string) => (EnvSchema.properties as Record<string, { default?: unknown }>)[key]?.default

test('.env.example names every setting once, with its default', async (t) => {
  const text = await readFile(packagePath('.env.example'), 'utf8')
  const entries = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).map((line) => {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line)
    t.ok(match, `a KEY=value line: ${line}`)
    return [match?.[1] ?? '', match?.[2] ?? ''] as const
  })
  t.same(entries.map(([key]) => key).sort(), SETTINGS, 'exactly the settings of schema/env.ts')
  t.equal(new Set(entries.map(([key]) => key)).size, entries.length, 'none twice')
  for (const [key, value] of entries) t.equal(value, String(defaultOf(key) ?? ''), `${key}: the schema's default (empty: unset)`)
  t.same(loadConfig(Object.fromEntries(entries)), loadConfig({}), 'the example as written is the default configuration')
})

test('the README configuration table names every setting once, with its default', async (t) => {
  const readme = await readFile(packagePath('README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1))
  const rows = section.split('\n').filter((line) => /^\| `[A-Z0-9_]+` \|/.test(line)).map((line) => line.split('|').map((cell) => cell.trim()))
  const names = rows.map((row) => (row[1] ?? '').replace(/`/g, ''))
  t.same([...names].sort(), SETTINGS, 'exactly the settings of schema/env.ts')
  t.equal(new Set(names).size, names.length, 'none twice')
  for (const row of rows) {
    const name = (row[1] ?? '').replace(/`/g, '')
    const documented = row[2] ?? ''
    const value = defaultOf(name)
    if (value === undefined) t.notMatch(documented, /^`\d+`$/, `${name} has no default in the schema, and the table gives none`)
    else t.equal(documented.replace(/[`,]/g, ''), String(value), `${name}: default ${String(value)}`)
    t.ok((row[3] ?? '').length > 10, `${name} is explained`)
  }
})

test('.env is loaded when present; the environment wins over it', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'kca-dotenv-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  await writeFile(join(directory, '.env'), 'PORT=4321\nLOG_LEVEL=debug\nPUBLIC_BASE_URL=https://content.example.org\n')
  const script = join(directory, 'print.mjs')
  await writeFile(script, `import { loadConfig } from ${JSON.stringify(pathToFileURL(packagePath('src', 'config.ts')).href)}\nprocess.stdout.write(JSON.stringify(loadConfig()))\n`)
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' }
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: directory, env, timeout: 60_000 })
  t.match(JSON.parse(stdout), { PORT: 4321, LOG_LEVEL: 'warn', PUBLIC_BASE_URL: 'https://content.example.org' })
  await rm(join(directory, '.env'))
  const { stdout: without } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: directory, env, timeout: 60_000 })
  t.match(JSON.parse(without), { PORT: 3000, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }, 'no file: the defaults')
})

test('PUBLIC_BASE_URL: the default, and what it may look like', async (t) => {
  t.equal(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).PUBLIC_BASE_URL, 'http://localhost:8080', 'a wildcard address is not one to link to')
  t.equal(loadConfig({ HOST: '::1' }).PUBLIC_BASE_URL, 'http://[::1]:3000')
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://content.example.org/kca' }).PUBLIC_BASE_URL, 'https://content.example.org/kca')
  for (const bad of ['content.example.org', 'https://content.example.org/', 'ftp://x', 'https://x?y=1']) {
    t.throws(() => loadConfig({ PUBLIC_BASE_URL: bad }), { message: /PUBLIC_BASE_URL/ }, bad)
  }
})

test('absolute URLs come from PUBLIC_BASE_URL whatever Host or X-Forwarded-Host say', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const base = 'https://content.example.org'
  // Behind a trusted proxy, the forwarded host would otherwise become request.host.
  const app = await build(t, { database, config: { PUBLIC_BASE_URL: base, TRUST_PROXY: '127.0.0.1' } })
  const urls = ['/v1/conditions/alpha-disorder.jsonld', '/embed/conditions/alpha-disorder', `/oembed?url=${encodeURIComponent(`${base}/embed/conditions/alpha-disorder`)}`]
  for (const url of urls) {
    const bodies = []
    for (const headers of [{}, { host: 'internal:8080' }, { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }]) {
      const response = await app.inject({ url, headers })
      t.equal(response.statusCode, 200, `${url} ${JSON.stringify(headers)}`)
      t.match(response.body, base)
      t.notMatch(response.body, /evil\.example|internal:8080|localhost:80/, 'no host of the request in the answer')
      bodies.push(response.body)
    }
    t.equal(new Set(bodies).size, 1, `${url}: one answer whatever the host`)
  }
})

test('no source file builds URLs from the request host', async (t) => {
  const offenders: string[] = []
  const visit = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name)
      if (entry.isDirectory()) await visit(path)
      else if (path.endsWith('.ts') && /request\.(host|hostname|protocol)\b|headers\.host\b|headers\['(x-forwarded-)?host'\]/.test(await readFile(path, 'utf8'))) offenders.push(path)
    }
  }
  await visit(packagePath('src'))
  t.same(offenders, [], 'every absolute URL goes through PUBLIC_BASE_URL')
})
