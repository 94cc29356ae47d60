// npm run bench:faults — the load and fault scenarios too long for unit tests (reliability C9, C10, F1, F7),
// each against a server in its own process on a PostgreSQL cluster of its own. Prints what held and exits
// non-zero when a bar is missed. BENCH_SOAK_SECONDS sets the soak (600 for the full ten minutes).
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cpus, totalmem } from 'node:os'
import postgres from 'postgres'
import { ROOT, load, mb, rssOf, startServer, stopServer } from './lib.js'
import { clusterUnavailable, createCluster } from '../test/faults/pg-cluster.js'

interface Bar { scenario: string, bar: string, measured: string, held: boolean }
const bars: Bar[] = []
const check = (scenario: string, bar: string, measured: string, held: boolean) => { bars.push({ scenario, bar, measured, held }) }
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const statuses = (result: object) =>
  Object.fromEntries(Object.entries((result as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats).map(([code, stats]) => [code, stats.count]))
const count = (codes: Record<string, number>, predicate: (code: number) => boolean) =>
  Object.entries(codes).filter(([code]) => predicate(Number(code))).reduce((sum, [, value]) => sum + value, 0)

const unavailable = await clusterUnavailable()
if (unavailable) {
  process.stdout.write(`bench:faults needs PostgreSQL server binaries: ${unavailable}\n`)
  process.exit(1)
}
const cluster = await createCluster()
const admin = postgres(cluster.url, { max: 1, onnotice: () => {} })
await admin.unsafe('create database kca_faults')
const databaseUrl = cluster.url.replace(/\/postgres$/, '/kca_faults')
const env = { PORT: '4700', DATABASE_URL: databaseUrl, RATE_LIMIT_ANONYMOUS: '100000000', GRAPHQL_COST_BUDGET: '1000000000' }
const HISTORY = '/v1/risks/dissociative-effects/versions'
const CURRENT = '/v1/conditions/ptsd?include=risks'

try {
  // Migrate and publish once, like a deploy.
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: 'ignore' })

  // C9: three times the measured capacity of a database-backed route for 20 s.
  {
    const server = await startServer('src/server.ts', env)
    const capacity = (await load({ port: server.port, path: HISTORY, duration: 5 })).requests.average
    const overload = await load({ port: server.port, path: HISTORY, duration: 20, connections: 200, overallRate: Math.round(capacity * 3) })
    const codes = statuses(overload)
    const stopped = Date.now()
    let recoveredMs = -1
    while (Date.now() - stopped < 5000) {
      const response = await fetch(`http://127.0.0.1:${server.port}${HISTORY}`)
      if (response.ok) { recoveredMs = Date.now() - stopped; break }
      await sleep(50)
    }
    check('C9 overload', 'answered p99 ≤ 1000 ms', `${overload.latency.p99} ms at ${Math.round(capacity * 3)} req/s offered (capacity ${Math.round(capacity)})`, overload.latency.p99 <= 1000)
    check('C9 overload', 'zero 500s', `${count(codes, (code) => code >= 500 && code !== 503)} (statuses ${JSON.stringify(codes)})`, count(codes, (code) => code >= 500 && code !== 503) === 0)
    check('C9 overload', 'zero socket errors', `${overload.errors} errors, ${overload.timeouts} timeouts`, overload.errors === 0 && overload.timeouts === 0)
    check('C9 overload', '200 again ≤ 2 s after the load stops', `${recoveredMs} ms`, recoveredMs >= 0 && recoveredMs <= 2000)
    await stopServer(server)
  }

  // C10: SIGTERM under 200 req/s.
  {
    const server = await startServer('src/server.ts', env)
    const running = load({ port: server.port, path: HISTORY, duration: 6, overallRate: 200 })
    await sleep(2000)
    const signalled = Date.now()
    const exit = stopServer(server)
    const code = await exit
    const exitMs = Date.now() - signalled
    const result = await running
    const codes = statuses(result)
    const connections = await admin.unsafe("select count(*)::int as count from pg_stat_activity where application_name = 'ketamine-content-api'")
    check('C10 shutdown', 'exit 0 within 10 s', `exit ${code} after ${exitMs} ms`, code === 0 && exitMs <= 10_000)
    check('C10 shutdown', 'no 500s while closing', `statuses ${JSON.stringify(codes)}`, count(codes, (status) => status >= 500 && status !== 503) === 0)
    check('C10 shutdown', 'no database connections left', String(connections[0]?.count), Number(connections[0]?.count) === 0)
  }

  // F1: PostgreSQL stopped at 5 s and started at 10 s, under 200 req/s of current content and history.
  {
    const server = await startServer('src/server.ts', env)
    const current = load({ port: server.port, path: CURRENT, duration: 15, overallRate: 150 })
    const history = load({ port: server.port, path: HISTORY, duration: 15, overallRate: 50 })
    await sleep(5000)
    await cluster.stop()
    await sleep(5000)
    await cluster.start()
    const restarted = Date.now()
    // Polled while the load is still running: recovery is measured from the restart, not from the end.
    const recovery = (async () => {
      while (Date.now() - restarted < 5000) {
        if ((await fetch(`http://127.0.0.1:${server.port}${HISTORY}`)).ok) return Date.now() - restarted
        await sleep(50)
      }
      return -1
    })()
    const [currentResult, historyResult, recoveredMs] = await Promise.all([current, history, recovery])
    const currentCodes = statuses(currentResult)
    const historyCodes = statuses(historyResult)
    check('F1 outage', 'current content: 200 throughout', JSON.stringify(currentCodes), count(currentCodes, (code) => code !== 200) === 0)
    check('F1 outage', 'max latency ≤ 1000 ms', `${Math.max(currentResult.latency.max, historyResult.latency.max)} ms`, Math.max(currentResult.latency.max, historyResult.latency.max) <= 1000)
    check('F1 outage', 'history: only 200 or 503, zero 500s', JSON.stringify(historyCodes), count(historyCodes, (code) => code !== 200 && code !== 503) === 0)
    check('F1 outage', 'zero socket errors', `${currentResult.errors + historyResult.errors} errors`, currentResult.errors + historyResult.errors === 0)
    check('F1 outage', 'answering again ≤ 2 s after the restart', `${recoveredMs} ms`, recoveredMs >= 0 && recoveredMs <= 2000)
    await stopServer(server)
  }

  // F7: soak at 70 % of capacity, 80 % REST and 20 % GraphQL.
  {
    const server = await startServer('src/server.ts', env)
    const graphql = JSON.stringify({ query: '{ conditions(first: 20) { nodes { slug risks { slug severity } } } }' })
    const capacity = (await load({ port: server.port, path: CURRENT, duration: 5 })).requests.average
    // Warm-up with the same mix, so caches are full before memory is measured.
    await Promise.all([
      load({ port: server.port, path: CURRENT, duration: 10, overallRate: capacity * 0.56 }),
      load({ port: server.port, path: '/graphql', method: 'POST', body: graphql, duration: 10, overallRate: capacity * 0.14 })
    ])
    const rssAfterWarmup = rssOf(server.process.pid as number)
    const thirds: number[] = []
    let errors = 0
    for (let part = 0; part < 3; part++) {
      const [rest, gql] = await Promise.all([
        load({ port: server.port, path: CURRENT, duration: SOAK_SECONDS / 3, overallRate: capacity * 0.56 }),
        load({ port: server.port, path: '/graphql', method: 'POST', body: graphql, duration: SOAK_SECONDS / 3, overallRate: capacity * 0.14 })
      ])
      thirds.push(Math.max(rest.latency.p99, gql.latency.p99))
      errors += rest.errors + rest.timeouts + rest.non2xx + gql.errors + gql.timeouts + gql.non2xx
    }
    const rssEnd = rssOf(server.process.pid as number)
    const drift = ((thirds[2] as number) - (thirds[0] as number)) / Math.max(1, thirds[0] as number)
    check('F7 soak', 'zero errors', `${errors} over ${SOAK_SECONDS} s`, errors === 0)
    check('F7 soak', 'p99 drift ≤ 20 % (≤ 1 ms counts as no drift)', `p99 by thirds ${thirds.join(' / ')} ms`, drift <= 0.2 || (thirds[2] as number) - (thirds[0] as number) <= 1)
    check('F7 soak', 'RSS growth ≤ 10 % after warm-up', `${mb(rssAfterWarmup)} → ${mb(rssEnd)} MB`, rssEnd <= rssAfterWarmup * 1.1)
    await stopServer(server)
  }
  // F5: the embedded database runs on the event loop; under 100 req/s the loop must stay responsive.
  {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const dataRoot = await mkdtemp(join(tmpdir(), 'kca-f5-'))
    const server = await startServer('src/server.ts', { PORT: '4710', PGLITE_DIR: join(dataRoot, 'pglite'), RATE_LIMIT_ANONYMOUS: '100000000' })
    const metrics = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
    await metrics() // prom-client restarts its event-loop histogram at each scrape
    await Promise.all([
      load({ port: server.port, path: CURRENT, duration: 10, overallRate: 80 }),
      load({ port: server.port, path: HISTORY, duration: 10, overallRate: 20 })
    ])
    const scraped = await metrics()
    const p99 = Number(/^kca_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(scraped)?.[1] ?? Number.NaN) * 1000
    if (Number.isNaN(p99)) process.stdout.write(`F5: /metrics did not give the event-loop p99: ${scraped.slice(0, 300)}\n`)
    check('F5 embedded', 'p99 event-loop delay ≤ 50 ms at 100 req/s (80 % current, 20 % history)', `${p99.toFixed(1)} ms`, p99 <= 50)
    await stopServer(server)
    await rm(dataRoot, { recursive: true, force: true })
  }
} finally {
  await admin.end()
  await cluster.destroy()
}

const lines = ['| scenario | bar | measured | held |', '| --- | --- | --- | --- |', ...bars.map((bar) => `| ${bar.scenario} | ${bar.bar} | ${bar.measured} | ${bar.held ? 'yes' : 'NO'} |`)]
process.stdout.write(`${lines.join('\n')}\n`)
await mkdir(join(ROOT, 'bench/results'), { recursive: true })
await writeFile(join(ROOT, 'bench/results', `faults-${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version }, soakSeconds: SOAK_SECONDS, bars }, null, 2))
process.exitCode = bars.every((bar) => bar.held) ? 0 : 1
