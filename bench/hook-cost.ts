// What each family of hooks costs a request: the app (bench/hook-server.ts) is started once with everything, once
// without each family in turn and once without any of them, and autocannon measures /health/live, a 304 and the
// entity read against each; every figure is also a ratio to the bare Fastify route sending the same thing,
// measured right after it, so a machine shared with other work still gives comparable numbers.
//   node --import tsx bench/hook-cost.ts [label]   (HOOK_COST_FAMILIES=a,b to measure only some families)
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, load, startServer, stopServer } from './lib.js'
import { HOOK_FAMILIES } from './hook-families.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 4)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1)
const label = process.argv[2] ?? 'now'
const entityPath = '/v1/conditions/ptsd?include=risks,mechanisms'

async function rps (port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  await load({ port, path, headers, duration: WARMUP })
  const result = await load({ port, path, headers, duration: DURATION })
  if (result.non2xx > 0 && !headers['if-none-match']) throw new Error(`${path}: ${result.non2xx} answers not 2xx`)
  return result.requests.average
}

const dataRoot = await mkdtemp(join(tmpdir(), 'kca-hook-cost-'))
const env = { PORT: '4350', PGLITE_DIR: join(dataRoot, 'pglite'), RATE_LIMIT_ANONYMOUS: '100000000', GRAPHQL_COST_BUDGET: '1000000000' }
// First start: migrate and publish the seeds, so that every later start only opens the database.
await stopServer(await startServer('bench/hook-server.ts', env))
const probeServer = await startServer('bench/hook-server.ts', env)
const probe = await fetch(`http://127.0.0.1:4350${entityPath}`)
const entityBytes = (await probe.text()).length
const etag = probe.headers.get('etag') ?? ''
await stopServer(probeServer)
const bare = await startServer('bench/bare-server.ts', { PORT: '4450', BARE_BODY_BYTES: String(entityBytes) }, '/static')

const wanted = process.env.HOOK_COST_FAMILIES ? process.env.HOOK_COST_FAMILIES.split(',') : Object.keys(HOOK_FAMILIES)
const configs: Array<{ name: string, drop: string[] }> = [
  { name: 'everything', drop: [] },
  ...wanted.map((family) => ({ name: `without ${family}`, drop: [family] })),
  { name: 'without every family above', drop: wanted }
]
interface Row { config: string, live: number, liveRatio: number, notModified: number, notModifiedRatio: number, entity: number, entityRatio: number, load: number }
const rows: Row[] = []
for (const config of configs) {
  const server = await startServer('bench/hook-server.ts', { ...env, HOOK_COST_DROP: config.drop.join(',') })
  const before = loadavg()[0] as number
  const live = await rps(4350, '/health/live')
  const bareLive = await rps(4450, '/tiny')
  // Without freshness there is no 304: the row says what a full read costs then.
  const notModified = await rps(4350, entityPath, { 'if-none-match': etag })
  const bare304 = await rps(4450, '/not-modified', { 'if-none-match': '"bare-etag"' })
  const entity = await rps(4350, entityPath)
  const bareEntity = await rps(4450, '/static')
  await stopServer(server)
  const row = { config: config.name, live, liveRatio: live / bareLive, notModified, notModifiedRatio: notModified / bare304, entity, entityRatio: entity / bareEntity, load: (before + (loadavg()[0] as number)) / 2 }
  rows.push(row)
  process.stdout.write(`${JSON.stringify(row)}\n`)
}
await stopServer(bare)
await rm(dataRoot, { recursive: true, force: true })

const base = rows[0] as Row
const pct = (value: number) => `${(value * 100).toFixed(0)} %`
const lines = [`\n## hook cost (${label}): ${DURATION} s per measurement after ${WARMUP} s warm-up, 10 connections, entity ${entityBytes} bytes`,
  '| configuration | /health/live req/s | vs bare | 304 req/s | vs bare 304 | entity req/s | vs bare same bytes | load avg |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
for (const row of rows) {
  const delta = (ratio: number, baseRatio: number) => row === base ? '' : ` (${ratio >= baseRatio ? '+' : ''}${((ratio - baseRatio) * 100).toFixed(0)})`
  lines.push(`| ${row.config} | ${Math.round(row.live)} | ${pct(row.liveRatio)}${delta(row.liveRatio, base.liveRatio)} | ${Math.round(row.notModified)} | ${pct(row.notModifiedRatio)}${delta(row.notModifiedRatio, base.notModifiedRatio)} | ${Math.round(row.entity)} | ${pct(row.entityRatio)}${delta(row.entityRatio, base.entityRatio)} | ${row.load.toFixed(1)} |`)
}
process.stdout.write(`${lines.join('\n')}\n`)
await mkdir(join(ROOT, 'bench/results'), { recursive: true })
await writeFile(join(ROOT, 'bench/results', `hook-cost-${new Date().toISOString().slice(0, 10)}-${label}.json`), JSON.stringify({ date: new Date().toISOString(), label, entityBytes, rows }, null, 2))
