// What each family of hooks costs a request: the app (bench/hook-server.ts) is started once with everything, once
// without each family in turn and once without any of them, and autocannon measures /health/live, a 304 and the
// entity read against each; every figure is also a ratio to the bare Fastify route sending the same thing,
// measured right after it. On a machine shared with other work req/s mostly measures the neighbours, so each
// figure also comes as the server's own CPU time per request (utime + stime from /proc over the measured
// requests): the cost a request adds, whatever else runs. The bare route's CPU time is the floor.
// A second way, which a loaded machine hardly disturbs: `profile` runs each path against a server started with
// --cpu-prof and charges every CPU sample to the hook family whose code is outermost on its stack (by file; see
// bench/hook-families.ts), so each family's share of the server's time, and its µs per request, is read directly.
//   node --import tsx bench/hook-cost.ts drop [label]      (HOOK_COST_FAMILIES=a,b to leave out only some families)
//   node --import tsx bench/hook-cost.ts profile [label]
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { ROOT, load, startServer, stopServer, type Server } from './lib.js'
import { HOOK_FAMILIES, PROFILE_FAMILIES } from './hook-families.js'
import { chargeToFamilies } from './profile.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 4)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const mode = process.argv[2] === 'profile' ? 'profile' : 'drop'
const label = process.argv[3] ?? 'now'
const entityPath = '/v1/conditions/ptsd?include=risks,mechanisms'

/** CPU time (user + system) the process has used, in ms (/proc ticks are 10 ms). */
function cpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** req/s, and the server's CPU µs per request over the measured requests. */
async function measure (server: Server, path: string, headers: Record<string, string> = {}): Promise<{ rps: number, cpuUs: number }> {
  await load({ port: server.port, path, headers, duration: WARMUP })
  const cpuBefore = cpuMs(server.process.pid as number)
  const result = await load({ port: server.port, path, headers, duration: DURATION })
  const cpu = cpuMs(server.process.pid as number) - cpuBefore
  if (result.non2xx > 0 && !headers['if-none-match']) throw new Error(`${path}: ${result.non2xx} answers not 2xx`)
  return { rps: result.requests.average, cpuUs: (cpu * 1000) / Math.max(1, result.requests.total) }
}

const dataRoot = await mkdtemp(join(tmpdir(), 'kca-hook-cost-'))
const PORT = Number(process.env.HOOK_COST_PORT ?? 4350)
const env = { PORT: String(PORT), PGLITE_DIR: join(dataRoot, 'pglite'), RATE_LIMIT_ANONYMOUS: '100000000', GRAPHQL_COST_BUDGET: '1000000000' }
// First start: migrate and publish the seeds, so that every later start only opens the database.
await stopServer(await startServer('bench/hook-server.ts', env))
const probeServer = await startServer('bench/hook-server.ts', env)
const probe = await fetch(`http://127.0.0.1:${PORT}${entityPath}`)
const entityBytes = (await probe.text()).length
const etag = probe.headers.get('etag') ?? ''
await stopServer(probeServer)
const bare = await startServer('bench/bare-server.ts', { PORT: String(PORT + 100), BARE_BODY_BYTES: String(entityBytes) }, '/static')

if (mode === 'profile') {
  const paths = [['/health/live', '/health/live', {}], ['304', entityPath, { 'if-none-match': etag }], ['entity read', entityPath, {}]] as const
  const lines = [`\n## where a request's CPU time goes (${label}): --cpu-prof, ${DURATION} s per path after ${WARMUP} s warm-up, 10 connections`,
    '| family | ' + paths.map(([name]) => `${name} share | µs/req`).join(' | ') + ' |', '| --- |' + ' ---: | ---: |'.repeat(paths.length)]
  const shares: Array<{ name: string, cpuUs: number, families: Map<string, number> }> = []
  for (const [name, path, headers] of paths) {
    const profileDir = join(dataRoot, `profile-${shares.length}`)
    const server = await startServer('bench/hook-server.ts', env, '/health/ready', ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'])
    const figures = await measure(server, path, headers)
    await stopServer(server)
    const file = (await readdir(profileDir)).find((entry) => entry.endsWith('.cpuprofile')) as string
    shares.push({ name, cpuUs: figures.cpuUs, families: chargeToFamilies(JSON.parse(await readFile(join(profileDir, file), 'utf8')), PROFILE_FAMILIES) })
  }
  const names = [...new Set(shares.flatMap((entry) => [...entry.families.keys()]))].sort((a, b) => (shares[2]?.families.get(b) ?? 0) - (shares[2]?.families.get(a) ?? 0))
  for (const family of names) lines.push(`| ${family} | ${shares.map((entry) => { const share = entry.families.get(family) ?? 0; return `${(share * 100).toFixed(1)} % | ${(share * entry.cpuUs).toFixed(0)}` }).join(' | ')} |`)
  lines.push(`| (server CPU per request, µs) | ${shares.map((entry) => `| ${entry.cpuUs.toFixed(0)}`).join(' | ')} |`)
  process.stdout.write(`${lines.join('\n')}\n`)
  await stopServer(bare)
  await rm(dataRoot, { recursive: true, force: true })
  await mkdir(join(ROOT, 'bench/results'), { recursive: true })
  await writeFile(join(ROOT, 'bench/results', `hook-profile-${new Date().toISOString().slice(0, 10)}-${label}.json`), JSON.stringify({ date: new Date().toISOString(), label, loadavg: loadavg(), paths: shares.map((entry) => ({ ...entry, families: Object.fromEntries(entry.families) })) }, null, 2))
  process.exit(0)
}

// HOOK_COST_FAMILIES=none: the whole app only (a before/after comparison).
const wanted = process.env.HOOK_COST_FAMILIES === 'none' ? [] : process.env.HOOK_COST_FAMILIES ? process.env.HOOK_COST_FAMILIES.split(',') : Object.keys(HOOK_FAMILIES)
const configs: Array<{ name: string, drop: string[] }> = [
  { name: 'everything', drop: [] },
  ...wanted.map((family) => ({ name: `without ${family}`, drop: [family] })),
  ...(wanted.length > 0 ? [{ name: 'without every family above', drop: wanted }] : [])
]
interface Figures { rps: number, ratio: number, cpuUs: number, bareCpuUs: number }
interface Row { config: string, live: Figures, notModified: Figures, entity: Figures, load: number }
const rows: Row[] = []
for (const config of configs) {
  const server = await startServer('bench/hook-server.ts', { ...env, HOOK_COST_DROP: config.drop.join(',') })
  try {
    // Every path once under load before anything is measured, so that no measurement pays for compiling another's code.
    for (const [path, headers] of [['/health/live', {}], [entityPath, { 'if-none-match': etag }], [entityPath, {}]] as const) await load({ port: server.port, path, headers, duration: WARMUP })
    const before = loadavg()[0] as number
    const pair = async (path: string, headers: Record<string, string>, barePath: string, bareHeaders: Record<string, string>): Promise<Figures> => {
      const app = await measure(server, path, headers)
      const ceiling = await measure(bare, barePath, bareHeaders)
      return { rps: app.rps, ratio: app.rps / ceiling.rps, cpuUs: app.cpuUs, bareCpuUs: ceiling.cpuUs }
    }
    const live = await pair('/health/live', {}, '/tiny', {})
    // Without freshness there is no 304: the row says what a full read costs then.
    const notModified = await pair(entityPath, { 'if-none-match': etag }, '/not-modified', { 'if-none-match': '"bare-etag"' })
    const entity = await pair(entityPath, {}, '/static', {})
    const row: Row = { config: config.name, live, notModified, entity, load: (before + (loadavg()[0] as number)) / 2 }
    rows.push(row)
    process.stdout.write(`${JSON.stringify(row)}\n`)
  } catch (error) {
    // An app without some hooks may not answer a path at all: say so and go on with the next configuration.
    process.stdout.write(`${config.name}: ${(error as Error).message}\n${server.output().slice(-2000)}\n`)
  } finally {
    await stopServer(server)
  }
}
await stopServer(bare)
await rm(dataRoot, { recursive: true, force: true })

const base = rows[0] as Row
const cell = (row: Row, name: 'live' | 'notModified' | 'entity') => {
  const figures = row[name]
  const saved = row === base ? '' : ` (${figures.cpuUs <= base[name].cpuUs ? '−' : '+'}${Math.abs(base[name].cpuUs - figures.cpuUs).toFixed(0)})`
  return `${figures.cpuUs.toFixed(0)}${saved} | ${(figures.bareCpuUs / figures.cpuUs * 100).toFixed(0)} % | ${Math.round(figures.rps)} (${(figures.ratio * 100).toFixed(0)} %)`
}
const lines = [`\n## hook cost (${label}): ${DURATION} s per measurement after ${WARMUP} s warm-up, 10 connections, entity ${entityBytes} bytes`,
  'Server CPU µs per request (change against "everything"), the bare route\'s CPU per request as a share of it, and req/s (ratio to the bare route measured right after).',
  '| configuration | live µs | bare/live | live req/s | 304 µs | bare/304 | 304 req/s | entity µs | bare/entity | entity req/s | load avg |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
for (const row of rows) lines.push(`| ${row.config} | ${cell(row, 'live')} | ${cell(row, 'notModified')} | ${cell(row, 'entity')} | ${row.load.toFixed(1)} |`)
process.stdout.write(`${lines.join('\n')}\n`)
await mkdir(join(ROOT, 'bench/results'), { recursive: true })
await writeFile(join(ROOT, 'bench/results', `hook-cost-${new Date().toISOString().slice(0, 10)}-${label}.json`), JSON.stringify({ date: new Date().toISOString(), label, entityBytes, rows }, null, 2))
