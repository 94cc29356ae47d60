// npm run bench: autocannon against servers in their own processes, 10 connections, warm-up first, every
// scenario reported as req/s, p50, p99 and its ratio to a bare Fastify route measured in the same run.
// Modes: PGlite (always) and PostgreSQL (when BENCH_DATABASE_URL or the local server is reachable).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { ROOT, load, mb, rssOf, startServer, stopServer } from './lib.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const CONNECTIONS = 10

interface Scenario { id: string, name: string, path: string, method?: 'GET' | 'POST', body?: string, headers?: Record<string, string>, target?: number }
interface Result { id: string, name: string, requestsPerSecond: number, p50: number, p99: number, errors: number, non2xx: number, ratio: number, target?: number | undefined, met?: boolean | undefined }

async function measure (port: number, scenario: Scenario) {
  const options = { port, path: scenario.path, method: scenario.method ?? 'GET' as const, ...(scenario.body ? { body: scenario.body } : {}), ...(scenario.headers ? { headers: scenario.headers } : {}), connections: CONNECTIONS }
  await load({ ...options, duration: WARMUP })
  const result = await load({ ...options, duration: DURATION })
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx }
}

const graphql = (query: string) => JSON.stringify({ query })

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

  const probe = await fetch(`http://127.0.0.1:${app.port}/v1/conditions/ptsd?include=risks,mechanisms`)
  const entityBytes = (await probe.text()).length
  const etag = probe.headers.get('etag') ?? ''
  const bare = await startServer('bench/bare-server.ts', { PORT: String(4400 + (mode === 'postgres' ? 10 : 0)), BARE_BODY_BYTES: String(entityBytes) }, '/static')

  const scenarios: Scenario[] = [
    { id: 'b', name: 'REST current entity with relations', path: '/v1/conditions/ptsd?include=risks,mechanisms', target: 0.7 },
    { id: 'c', name: 'REST list page of 25', path: '/v1/risks?limit=25', target: 0.6 },
    { id: 'd', name: 'REST revalidation (If-None-Match → 304)', path: '/v1/conditions/ptsd?include=risks,mechanisms', headers: { 'if-none-match': etag }, target: 0.8 },
    { id: 'e', name: 'GraphQL one condition with risks and mechanisms', path: '/graphql', method: 'POST', body: graphql('{ condition(slug: "ptsd") { slug title summary risks { slug title severity } mechanisms { slug title } } }'), target: 0.35 },
    { id: 'f', name: 'GraphQL 20 conditions with risks', path: '/graphql', method: 'POST', body: graphql('{ conditions(first: 20) { edges { node { slug title risks { slug severity } } } } }'), target: 0.2 },
    { id: 'g', name: 'REST read pinned to release 1', path: '/v1/conditions/ptsd?include=risks,mechanisms&release=1', target: 0.5 },
    { id: 'h', name: 'REST search', path: '/v1/search?q=dissociation' }
  ]
  const ceiling = await measure(bare.port, { id: 'a', name: 'bare Fastify route, static body', path: '/static' })
  const results: Result[] = [{ id: 'a', name: `bare Fastify route, static ${entityBytes}-byte body`, ...ceiling, ratio: 1 }]
  for (const scenario of scenarios) {
    const probeStatus = (await fetch(`http://127.0.0.1:${app.port}${scenario.path}`, { method: scenario.method ?? 'GET', headers: { 'content-type': 'application/json', ...scenario.headers }, ...(scenario.body ? { body: scenario.body } : {}) })).status
    if (probeStatus >= 400) {
      results.push({ id: scenario.id, name: `${scenario.name} (not available: ${probeStatus})`, requestsPerSecond: 0, p50: 0, p99: 0, errors: 0, non2xx: 0, ratio: 0, target: scenario.target, met: false })
      continue
    }
    const measured = await measure(app.port, scenario)
    const ratio = measured.requestsPerSecond / ceiling.requestsPerSecond
    results.push({ id: scenario.id, name: scenario.name, ...measured, ratio, target: scenario.target, met: scenario.target === undefined ? undefined : ratio >= scenario.target })
  }
  const peakRssUnderLoad = app.peakRss
  await stopServer(bare)
  await stopServer(app)
  await rm(dataRoot, { recursive: true, force: true })
  return { mode, entityBytes, startup: { emptyDatabaseToReadyMs: Math.round(firstStartMs), restartToReadyMs: Math.round(restartMs), rssAtReadyFirstStartMB: mb(rssAtReadyFirst), rssAtReadyMB: mb(rssAtReady) }, peakRssUnderLoadMB: mb(peakRssUnderLoad), results }
}

function print (run: Awaited<ReturnType<typeof runMode>>) {
  const lines = [`\n## ${run.mode} (${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s per scenario)`,
    '| | scenario | req/s | p50 ms | p99 ms | ratio to (a) | target | met |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |']
  for (const result of run.results) {
    lines.push(`| ${result.id} | ${result.name} | ${Math.round(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${(result.ratio * 100).toFixed(0)} % | ${result.target === undefined ? '' : `≥ ${result.target * 100} %`} | ${result.met === undefined ? '' : result.met ? 'yes' : 'NO'} |`)
  }
  lines.push(`Start-up: empty database to ready ${run.startup.emptyDatabaseToReadyMs} ms (RSS ${run.startup.rssAtReadyFirstStartMB} MB); restart on the existing database ${run.startup.restartToReadyMs} ms (RSS at ready ${run.startup.rssAtReadyMB} MB). Peak server RSS under load: ${run.peakRssUnderLoadMB} MB.`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

const runs = [await runMode('pglite')]
print(runs[0] as Awaited<ReturnType<typeof runMode>>)
const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
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

await mkdir(join(ROOT, 'bench/results'), { recursive: true })
const file = join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}.json`)
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version }, runs }, null, 2))
process.stdout.write(`\nresults written to ${file}\n`)
