// Runs the project's VCL (deploy/varnish/default.vcl) in a Varnish of its own: a private work directory, a
// loopback port, generated backends and purge token. Used by the CDN test and `npm run bench`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const VCL = new URL('../deploy/varnish/default.vcl', import.meta.url).pathname

export interface VarnishOptions {
  backends: number[]
  token: string
  /** VCL run on every fetched object, after the API's headers are applied (e.g. a short TTL for a test). */
  backendResponse?: string
  probeIntervalMs?: number
  /** Listen here (a port reserved earlier, when the origins must know it first); default a free one. */
  port?: number
}

export interface Varnish { port: number, url: string, stop: () => Promise<void>, output: () => string }

export function varnishUnavailable (): string | false {
  const probe = spawnSync('varnishd', ['-V'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) return 'varnishd is not installed (Debian packages varnish and varnish-modules; .ci/run installs them)'
  return false
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startVarnish (options: VarnishOptions): Promise<Varnish> {
  const directory = await mkdtemp(join(tmpdir(), 'kca-varnish-'))
  // varnishd compiles the VCL as its own unprivileged user (when started as root): it must read this directory.
  await chmod(directory, 0o755)
  const interval = `${(options.probeIntervalMs ?? 500) / 1000}s`
  await copyFile(VCL, join(directory, 'default.vcl'))
  await writeFile(join(directory, 'backends.vcl'), [
    'import directors;',
    `probe kca_ready { .url = "/health/ready"; .interval = ${interval}; .timeout = 1s; .window = 2; .threshold = 1; .initial = 1; }`,
    ...options.backends.map((port, index) => `backend api${index} { .host = "127.0.0.1"; .port = "${port}"; .probe = kca_ready; }`),
    'sub vcl_init {',
    '  new kca_origins = directors.round_robin();',
    ...options.backends.map((_port, index) => `  kca_origins.add_backend(api${index});`),
    '}',
    'sub kca_backend { set req.backend_hint = kca_origins.backend(); }',
    `sub kca_backend_response { ${options.backendResponse ?? ''} }`
  ].join('\n'))
  await writeFile(join(directory, 'purge-token.vcl'),
    `sub kca_purge_authorized { if (req.http.authorization == "Bearer ${options.token}") { set req.http.x-kca-purge-ok = "1"; } }\n`)
  const port = options.port ?? await freePort()
  const child: ChildProcess = spawn('varnishd', ['-F', '-n', join(directory, 'work'), '-a', `127.0.0.1:${port}`, '-f', join(directory, 'default.vcl'),
    '-p', `vcl_path=${directory}`, '-s', 'malloc,128m', '-T', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk) => { output += chunk })
  child.stderr?.on('data', (chunk) => { output += chunk })
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    await rm(directory, { recursive: true, force: true })
  }
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`varnishd exited: ${output}`)
    }
    try {
      await fetch(`http://127.0.0.1:${port}/health/live`)
      break
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`varnishd did not start: ${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { port, url: `http://127.0.0.1:${port}`, stop, output: () => output }
}
