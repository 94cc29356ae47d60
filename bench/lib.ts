// What the benchmarks share: servers in their own processes, their memory, and autocannon runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'

export const ROOT = new URL('..', import.meta.url).pathname

export interface Server { process: ChildProcess, port: number, peakRss: number, startMs: number, output: () => string, stopSampling: () => void }

export function rssOf (pid: number): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`]).toString()
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
  } catch {
    return 0
  }
}

export function mb (bytes: number): number {
  return Math.round(bytes / 1024 / 1024)
}

let built = false

/**
 * The API is measured as production runs it (`npm start`): the compiled `dist/`, plain node, no TypeScript loader
 * in the process (tsx held ~100 MB more and compiled on first use). Built once per bench run.
 */
function productionEntry (script: string): string[] {
  if (script !== 'src/server.ts') return ['--import', 'tsx', script]
  if (!built) execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'ignore' })
  built = true
  return [...startFlags(), 'dist/src/server.js']
}

/** The V8 flags `npm start` runs the server with (package.json `start`: heap limits), so the bench measures the same process. */
export function startFlags (): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  return pkg.scripts.start.split(/\s+/).filter((token) => token.startsWith('--'))
}

/** Starts the server (built, see productionEntry) or a bench script (with tsx) and waits until `readyPath` answers 200; samples its RSS every 200 ms. */
export async function startServer (script: string, env: Record<string, string>, readyPath = '/health/ready', nodeArgs: string[] = []): Promise<Server> {
  const entry = productionEntry(script)
  const started = performance.now()
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk) => { output += chunk })
  child.stderr?.on('data', (chunk) => { output += chunk })
  const port = Number(env.PORT)
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`)
    if (Date.now() > deadline) throw new Error(`${script} did not start: ${output}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}${readyPath}`)).ok) break
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const server: Server = { process: child, port, peakRss: rssOf(child.pid as number), startMs: performance.now() - started, output: () => output, stopSampling: () => {} }
  const timer = setInterval(() => { server.peakRss = Math.max(server.peakRss, rssOf(child.pid as number)) }, 200)
  server.stopSampling = () => clearInterval(timer)
  return server
}

export async function stopServer (server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  server.stopSampling()
  if (server.process.exitCode !== null) return server.process.exitCode
  server.process.kill(signal)
  return new Promise((resolve) => server.process.once('exit', (code) => resolve(code)))
}

export interface LoadOptions {
  port: number
  path: string
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  connections?: number
  duration: number
  overallRate?: number
  /** Called before each request: vary the path or body so that caches cannot answer (scenarios l and m). */
  setupRequest?: (request: { path?: string, body?: string }) => { path?: string, body?: string }
}

export function load (options: LoadOptions) {
  return autocannon({
    url: `http://127.0.0.1:${options.port}${options.path}`,
    method: options.method ?? 'GET',
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body ? { body: options.body } : {}),
    connections: options.connections ?? 10,
    duration: options.duration,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest as never }] } : {})
  })
}
