// npm run bench: autocannon against servers in their own processes, 10 connections, warm-up first, every
// scenario reported as req/s, p50, p99 and its ratio to a bare Fastify route measured in the same run that
// sends what the scenario sends (the same bytes, a tiny body, a 304, the same brotli bytes).
// Modes: PGlite (always) and PostgreSQL (when BENCH_DATABASE_URL or the local server is reachable).
// Cached paths (b–h, i–k) and uncached ones (l: distinct GraphQL documents, m: every entity and locale from a
// cold cache) are reported side by side; a CPU profile of (b) says where the time goes.
import { readFileSync } from 'node:fs'
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { ROOT, load, mb, rssOf, startServer, stopServer, type LoadOptions } from './lib.js'
import { startVarnish, varnishUnavailable } from './varnish.js'
import { summariseCpuProfile } from './profile.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 4)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1)
/**
 * Each scenario is measured right after its bare route, this many times, and the median ratio is reported: on two
 * shared cores the machine's speed drifts by tens of percent within a minute (seen: the same bare route at 5,700
 * and 17,700 req/s in one run), so a ratio is only meaningful between measurements taken side by side.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 10
const CLOCK_TICKS_PER_SECOND = 100

/** CPU time (user + system) a process has used, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

type Baseline = 'static' | 'tiny' | 'notModified' | 'brotli'
interface Scenario {
  id: string
  name: string
  path: string
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  target?: number
  /** The bare route this scenario is compared with (default: the static body of the entity's size). */
  baseline?: Baseline
  setupRequest?: LoadOptions['setupRequest']
  /** A probe that says whether the server can run this scenario at all (e.g. it answers brotli). */
  available?: (response: Response) => string | null
}
interface Result {
  id: string
  name: string
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  ratio: number
  baseline: string
  target?: number | undefined
  met?: boolean | undefined
  /** The ratio of each round (the reported one is their median). */
  ratios?: number[]
  /** The baseline's median req/s in this scenario's rounds. */
  baselineRequestsPerSecond?: number
  /** Server CPU time per request (µs): this scenario's server, and the baseline's. */
  cpuUsPerRequest?: number | undefined
  baselineCpuUsPerRequest?: number | undefined
}

type Measured = Awaited<ReturnType<typeof measure>>

/** Measures `pid`'s server under `scenario`: req/s, latency, and the server's CPU time per request. */
async function measure (port: number, scenario: Pick<Scenario, 'path' | 'method' | 'body' | 'headers' | 'setupRequest'>, pid?: number) {
  const options = {
    port,
    path: scenario.path,
    method: scenario.method ?? 'GET' as const,
    ...(scenario.body ? { body: scenario.body } : {}),
    ...(scenario.headers ? { headers: scenario.headers } : {}),
    ...(scenario.setupRequest ? { setupRequest: scenario.setupRequest } : {}),
    connections: CONNECTIONS
  }
  await load({ ...options, duration: WARMUP })
  const ticksBefore = pid === undefined ? 0 : cpuTicks(pid)
  const result = await load({ ...options, duration: DURATION })
  const cpuUsPerRequest = pid === undefined || result.requests.total === 0 ? undefined : (cpuTicks(pid) - ticksBefore) * (1e6 / CLOCK_TICKS_PER_SECOND) / result.requests.total
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx, cpuUsPerRequest }
}

/**
 * ROUNDS pairs of (baseline, then scenario) measurements: the median ratio, the median of each side's req/s and
 * server CPU per request, and the latency and error counts of the median round.
 */
async function paired (baseline: () => Promise<Measured>, scenario: () => Promise<Measured>) {
  const rounds: Array<{ base: Measured, own: Measured, ratio: number }> = []
  for (let round = 0; round < ROUNDS; round++) {
    const base = await baseline()
    const own = await scenario()
    rounds.push({ base, own, ratio: own.requestsPerSecond / base.requestsPerSecond })
  }
  const middle = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)] as typeof rounds[number]
  const cpu = (values: Array<number | undefined>) => values.every((value) => value !== undefined) ? median(values as number[]) : undefined
  return {
    ratio: median(rounds.map((round) => round.ratio)),
    ratios: rounds.map((round) => round.ratio),
    own: { ...middle.own, requestsPerSecond: median(rounds.map((round) => round.own.requestsPerSecond)), cpuUsPerRequest: cpu(rounds.map((round) => round.own.cpuUsPerRequest)) },
    base: { ...middle.base, requestsPerSecond: median(rounds.map((round) => round.base.requestsPerSecond)), cpuUsPerRequest: cpu(rounds.map((round) => round.base.cpuUsPerRequest)) }
  }
}

const graphql = (query: string) => JSON.stringify({ query })

/** Every entity URL in every locale, from the API itself: what (m) cycles through. */
async function everyEntityPath (port: number): Promise<string[]> {
  const paths: string[] = []
  for (const plural of ['topics', 'conditions', 'risks', 'mechanisms']) {
    const list = await (await fetch(`http://127.0.0.1:${port}/v1/${plural}?limit=100`)).json() as { items: Array<{ slug: string }> }
    for (const item of list.items) for (const locale of ['en', 'es']) paths.push(`/v1/${plural}/${item.slug}?locale=${locale}`)
  }
  return paths
}

async function runMode (mode: 'pglite' | 'postgres', databaseUrl?: string) {
  const dataRoot = await mkdtemp(join(tmpdir(), 'kca-bench-'))
  // Limits sized for a benchmark: the defaults (300 requests a minute per IP) would measure the rate limiter.
  const env: Record<string, string> = { PORT: String(4300 + (mode === 'postgres' ? 10 : 0)), RATE_LIMIT_ANONYMOUS: '100000000', GRAPHQL_COST_BUDGET: '1000000000' }
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  else env.PGLITE_DIR = join(dataRoot, 'pglite')

  // Start-up: an empty database (migrate + publish the seeds), then a restart on the existing one.
  const fresh = await startServer('src/server.ts', env)
  const firstStartMs = fresh.startMs
  const rssAtReadyFirst = fresh.peakRss
  await stopServer(fresh)
  const app = await startServer('src/server.ts', env)
  const restartMs = app.startMs
  const rssAtReady = rssOf(app.process.pid as number)
  app.peakRss = rssAtReady

  const entityPath = '/v1/conditions/ptsd?include=risks,mechanisms'
  const probe = await fetch(`http://127.0.0.1:${app.port}${entityPath}`)
  const entityBytes = (await probe.text()).length
  const etag = probe.headers.get('etag') ?? ''
  // What the API sends for `Accept-Encoding: br` (undici decodes bodies, so read the raw bytes over node:http).
  const brotliBytes = await rawBody(app.port, entityPath, { 'accept-encoding': 'br' })
  const brotliFile = join(dataRoot, 'entity.br')
  await writeFile(brotliFile, brotliBytes.body)
  const bare = await startServer('bench/bare-server.ts', { PORT: String(4400 + (mode === 'postgres' ? 10 : 0)), BARE_BODY_BYTES: String(entityBytes), BARE_BR_FILE: brotliFile }, '/static')

  let documentCounter = 0
  const entityPaths = await everyEntityPath(app.port)
  let pathCounter = 0
  const scenarios: Scenario[] = [
    { id: 'i', name: 'trivial route: /health/live vs a bare tiny route', path: '/health/live', baseline: 'tiny', target: 0.6 },
    { id: 'b', name: 'REST current entity with relations', path: entityPath, target: 0.75 },
    { id: 'c', name: 'REST list page of 25', path: '/v1/risks?limit=25', target: 0.7 },
    { id: 'd', name: 'REST revalidation (If-None-Match → 304) vs (a)', path: entityPath, headers: { 'if-none-match': etag } },
    { id: 'j', name: 'REST revalidation (If-None-Match → 304) vs a bare 304', path: entityPath, headers: { 'if-none-match': etag }, baseline: 'notModified', target: 0.7 },
    {
      id: 'k',
      name: `REST entity read, Accept-Encoding: br (${brotliBytes.body.length} bytes) vs a bare route sending the same bytes`,
      path: entityPath,
      headers: { 'accept-encoding': 'br' },
      baseline: 'brotli',
      target: 0.75,
      available: () => brotliBytes.encoding === 'br' ? null : `the API does not compress (content-encoding: ${brotliBytes.encoding ?? 'none'})`
    },
    { id: 'e', name: 'GraphQL one condition with risks and mechanisms', path: '/graphql', method: 'POST', body: graphql('{ condition(slug: "ptsd") { slug title summary risks { slug title severity } mechanisms { slug title } } }'), target: 0.5 },
    { id: 'f', name: 'GraphQL 20 conditions with risks', path: '/graphql', method: 'POST', body: graphql('{ conditions(first: 20) { edges { node { slug title risks { slug severity } } } } }'), target: 0.4 },
    {
      id: 'l',
      name: 'GraphQL, a distinct document every request (no answer-cache hits)',
      path: '/graphql',
      method: 'POST',
      body: graphql('{ condition(slug: "ptsd") { slug } }'),
      target: 0.1,
      // A new alias per request makes every document text unique: parsed, validated and executed each time.
      setupRequest: (request) => ({ ...request, body: graphql(`{ c${++documentCounter}: condition(slug: "ptsd") { slug title summary risks { slug title severity } mechanisms { slug title } } }`) })
    },
    { id: 'g', name: 'REST read pinned to release 1', path: `${entityPath}&release=1`, target: 0.6 },
    {
      id: 'm',
      name: `REST reads cycling over every entity and locale (${entityPaths.length} URLs, from a cold cache)`,
      path: entityPaths[0] ?? '/v1/topics',
      setupRequest: (request) => ({ ...request, path: entityPaths[pathCounter++ % entityPaths.length] as string })
    },
    { id: 'h', name: 'REST search', path: '/v1/search?q=dissociation' }
  ]
  const baselines: Record<Baseline, { path: string, headers?: Record<string, string>, label: string }> = {
    static: { path: '/static', label: `(a) bare static ${entityBytes}-byte body` },
    tiny: { path: '/tiny', label: '(a-tiny) bare 15-byte body' },
    notModified: { path: '/not-modified', headers: { 'if-none-match': '"bare-etag"' }, label: '(a-304) bare 304' },
    brotli: { path: '/static-br', headers: { 'accept-encoding': 'br' }, label: `(a-br) bare ${brotliBytes.body.length} brotli bytes` }
  }
  const bareRuns = new Map<Baseline, Measured[]>()
  const results: Result[] = []
  const appPid = app.process.pid as number
  const barePid = bare.process.pid as number
  for (const scenario of scenarios) {
    const response = await fetch(`http://127.0.0.1:${app.port}${scenario.path}`, { method: scenario.method ?? 'GET', headers: { 'content-type': 'application/json', ...scenario.headers }, ...(scenario.body ? { body: scenario.body } : {}) })
    await response.arrayBuffer()
    const unavailable = response.status >= 400 ? `status ${response.status}` : scenario.available?.(response) ?? null
    const baseline = scenario.baseline ?? 'static'
    if (unavailable) {
      results.push({ id: scenario.id, name: `${scenario.name} (not available: ${unavailable})`, requestsPerSecond: 0, p50: 0, p99: 0, errors: 0, non2xx: 0, ratio: 0, baseline: baselines[baseline].label, target: scenario.target, met: false })
      continue
    }
    // (l) is stated against (a); every other scenario against the bare route sending what it sends.
    const pair = await paired(async () => {
      const measured = await measure(bare.port, baselines[baseline], barePid)
      bareRuns.set(baseline, [...(bareRuns.get(baseline) ?? []), measured])
      return measured
    }, async () => await measure(app.port, scenario, appPid))
    results.push({ id: scenario.id, name: scenario.name, ...pair.own, ratio: pair.ratio, ratios: pair.ratios, baseline: baselines[baseline].label, baselineRequestsPerSecond: pair.base.requestsPerSecond, baselineCpuUsPerRequest: pair.base.cpuUsPerRequest, target: scenario.target, met: scenario.target === undefined ? undefined : pair.ratio >= scenario.target })
  }
  // The ceilings: every measurement of each bare route in this run (median).
  for (const [name, runs] of bareRuns) {
    const middle = runs[Math.floor(runs.length / 2)] as Measured
    results.unshift({ id: name === 'static' ? 'a' : `a-${name}`, name: baselines[name].label, ...middle, requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)), cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest ?? 0)), ratio: 1, baseline: 'ceiling' })
  }

  // The same entity read through Varnish with the project's VCL (deploy/varnish), against the origin alone, in pairs.
  const noVarnish = varnishUnavailable()
  if (noVarnish) {
    results.push({ id: 'n', name: `through Varnish, entity read (not run: ${noVarnish})`, requestsPerSecond: 0, p50: 0, p99: 0, errors: 0, non2xx: 0, ratio: 0, baseline: '(b)', target: 3, met: false })
  } else {
    const varnish = await startVarnish({ backends: [app.port], token: 'bench-purge-token-0123456789' })
    try {
      const pair = await paired(async () => await measure(app.port, { path: entityPath }, appPid), async () => await measure(varnish.port, { path: entityPath }))
      results.push({ id: 'n', name: 'through Varnish, entity read (ratio: times the origin alone, (b), measured in turn)', ...pair.own, ratio: pair.ratio, ratios: pair.ratios, baseline: '(b)', baselineRequestsPerSecond: pair.base.requestsPerSecond, baselineCpuUsPerRequest: pair.base.cpuUsPerRequest, target: 3, met: pair.ratio >= 3 })
    } finally {
      await varnish.stop()
    }
  }
  const peakRssUnderLoad = app.peakRss
  await stopServer(bare)
  await stopServer(app)

  // Where the time goes in (b): the same load against a server started with --cpu-prof.
  const profileDir = join(dataRoot, 'profile')
  const profiled = await startServer('src/server.ts', env, '/health/ready', ['--cpu-prof', `--cpu-prof-dir=${profileDir}`])
  await measure(profiled.port, { path: entityPath })
  await stopServer(profiled)
  const profileFile = (await readdir(profileDir)).find((name) => name.endsWith('.cpuprofile'))
  // The load's own seconds: start-up (module compilation, PGlite's WASM) and shutdown are left out.
  const profile = profileFile ? summariseCpuProfile(JSON.parse(await readFile(join(profileDir, profileFile), 'utf8')), 20, { seconds: DURATION - 0.5, skipLastSeconds: 0.5 }) : []

  await rm(dataRoot, { recursive: true, force: true })
  return { mode, entityBytes, startup: { emptyDatabaseToReadyMs: Math.round(firstStartMs), restartToReadyMs: Math.round(restartMs), rssAtReadyFirstStartMB: mb(rssAtReadyFirst), rssAtReadyMB: mb(rssAtReady) }, peakRssUnderLoadMB: mb(peakRssUnderLoad), results, profileOfB: profile }
}

/** One GET over node:http, body left as sent (fetch would decode it). */
async function rawBody (port: number, path: string, headers: Record<string, string>): Promise<{ body: Buffer, encoding: string | undefined }> {
  const { request } = await import('node:http')
  return await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ body: Buffer.concat(chunks), encoding: response.headers['content-encoding'] }))
    }).on('error', reject).end()
  })
}

function print (run: Awaited<ReturnType<typeof runMode>>) {
  const lines = [`\n## ${run.mode} (${CONNECTIONS} connections; ${ROUNDS} rounds of the bare route then the scenario, each ${WARMUP} s warm-up + ${DURATION} s; median ratio)`,
    '| | scenario | req/s | p50 ms | p99 ms | compared with | its req/s | ratio (rounds) | server CPU µs/req (baseline) | target | met |', '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |']
  for (const result of run.results) {
    const times = result.id === 'n'
    const ratio = times ? `${result.ratio.toFixed(1)}×` : `${(result.ratio * 100).toFixed(0)} %`
    const target = result.target === undefined ? '' : times ? `≥ ${result.target}×` : `≥ ${Math.round(result.target * 100)} %`
    const rounds = result.ratios ? ` (${result.ratios.map((value) => times ? `${value.toFixed(1)}×` : `${Math.round(value * 100)}`).join(', ')})` : ''
    const cpu = result.cpuUsPerRequest === undefined ? '' : `${Math.round(result.cpuUsPerRequest)}${result.baselineCpuUsPerRequest === undefined ? '' : ` (${Math.round(result.baselineCpuUsPerRequest)})`}`
    lines.push(`| ${result.id} | ${result.name} | ${Math.round(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.baseline} | ${result.baselineRequestsPerSecond === undefined ? '' : Math.round(result.baselineRequestsPerSecond)} | ${ratio}${rounds} | ${cpu} | ${target} | ${result.met === undefined ? '' : result.met ? 'yes' : 'NO'} |`)
  }
  lines.push(`Start-up: empty database to ready ${run.startup.emptyDatabaseToReadyMs} ms (RSS ${run.startup.rssAtReadyFirstStartMB} MB); restart on the existing database ${run.startup.restartToReadyMs} ms (RSS at ready ${run.startup.rssAtReadyMB} MB). Peak server RSS under load: ${run.peakRssUnderLoadMB} MB.`)
  lines.push('\nWhere (b) spends its time (self time, top frames of a --cpu-prof run):')
  for (const frame of run.profileOfB.slice(0, 12)) lines.push(`  ${frame.percent.toFixed(1).padStart(5)} %  ${frame.name}  ${frame.location}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

// BENCH_MODES=postgres (or pglite) runs one mode only; both by default. Its results go to a file of their own.
const modes = (process.env.BENCH_MODES ?? 'pglite,postgres').split(',').map((mode) => mode.trim())
const runs: Array<Awaited<ReturnType<typeof runMode>>> = []
if (modes.includes('pglite')) {
  runs.push(await runMode('pglite'))
  print(runs[0] as Awaited<ReturnType<typeof runMode>>)
}
const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
if (modes.includes('postgres')) {
  try {
    const { default: postgres } = await import('postgres')
    const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
    const name = `kca_bench_${Date.now()}`
    await admin.unsafe(`create database ${name}`)
    try {
      const url = new URL(postgresUrl)
      url.pathname = `/${name}`
      const run = await runMode('postgres', url.toString())
      runs.push(run)
      print(run)
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  } catch (error) {
    process.stdout.write(`\nPostgreSQL mode skipped: ${(error as Error).message}\n`)
  }
}

await mkdir(join(ROOT, 'bench/results'), { recursive: true })
const file = join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}${modes.length === 1 ? `-${modes[0]}` : ''}.json`)
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version }, runs }, null, 2))
process.stdout.write(`\nresults written to ${file}\n`)
