// "Publishing to the embedded database while `npm start` runs loses the release" (issue 10, seen 2), as an editor
// meets it: a real server process on a PGlite directory, content:publish run beside it. The publish is handed to
// the server, served at once, kept across a restart; the directory is never opened by two processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import tap, { test } from 'tap'
import { lockPathFor, type OwnerRecord } from '../db/owner-lock.js'
import { dispatchCommand, EXIT_OWNED } from '../src/cli/handoff.js'
import { loadConfig } from '../src/config.js'
import { SMALL_CORPUS, seedsDir } from './factories.js'
import { testConfig } from './helper.js'

// Two server starts on a fresh directory and a few command processes: minutes on a loaded two-core machine.
tap.setTimeout(600_000)

const skip = testConfig.DATABASE_URL ? 'about the embedded database directory; nothing to hand over on PostgreSQL' : false

// The child processes see neither DATABASE_URL nor the test's own settings: they run as `npm start` would.
function childEnv (extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...env } = process.env
  return { ...env, LOG_LEVEL: 'info', NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...extra }
}

interface Server { child: ChildProcess, url: string, exit: Promise<number | null>, stderr: () => string }

async function startServer (t: { teardown: (fn: () => unknown) => void }, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => { errors += chunk.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not listening after ${timeoutMs} ms: ${errors}`)), timeoutMs)
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (match) { clearTimeout(timer); resolve(match[1] as string) }
    })
    exit.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${errors}`)) }, () => {})
  })
  return { child, url, exit, stderr: () => errors }
}

async function cli (script: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env, timeout: 120_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failure = error as { code: number, stdout: string, stderr: string }
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr }
  }
}

async function read (server: Server, path: string): Promise<{ version: number, summary: string, release: number }> {
  const response = await fetch(`${server.url}${path}`)
  return await response.json() as { version: number, summary: string, release: number }
}

async function exists (path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

test('content:publish while the server runs on the same PGlite directory: handed over, served at once, kept after a restart', { skip, timeout: 600_000 }, async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const root = await mkdtemp(join(tmpdir(), 'kca-handoff-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dataDir = join(root, 'pglite')
  const env = childEnv({ PGLITE_DIR: dataDir, SEEDS_DIR: seeds.path })

  const server = await startServer(t, env)
  t.match(await read(server, '/v1/risks/low-risk'), { version: 1, release: 1 }, 'the seeds were published on the empty directory')
  const owner = JSON.parse(await readFile(lockPathFor(dataDir), 'utf8')) as OwnerRecord
  t.equal(owner.pid, server.child.pid, 'the lock names the server process')
  t.equal(owner.role, 'server')

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Edited while the server runs.' } })
  const publish = await cli('content-publish', ['--note', 'Edited while the server runs'], env)
  const returned = Date.now()
  t.equal(publish.code, 0, publish.stderr)
  t.match(publish.stdout, /updated\s+risk\/low-risk \(en\) version 2/)
  t.match(publish.stdout, /published release 2: 1 change\(s\)/)
  t.match(publish.stdout, new RegExp(`the running server \\(pid ${server.child.pid}\\) now serves release 2`))
  let body = await read(server, '/v1/risks/low-risk')
  while (body.version !== 2 && Date.now() - returned < 2000) body = await read(server, '/v1/risks/low-risk')
  t.match(body, { version: 2, summary: 'Edited while the server runs.', release: 2 }, `served ${Date.now() - returned} ms after the command returned`)

  const diff = await cli('content-check', ['--diff', '--quiet'], env)
  t.equal(diff.code, 0, diff.stderr)
  t.match(diff.stdout, /Against release 2:\n {2}no changes/, 'content:check --diff is computed by the server too')

  // The channel is the owner's alone: a socket only its user can open, and the token from the 0600 lock file.
  t.equal((await stat(owner.endpoint as string)).mode & 0o777, 0o600, 'socket mode 0600')
  const ask = (token: string, body: unknown) => new Promise<{ status: number, text: string }>((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request({ socketPath: owner.endpoint as string, method: 'POST', path: '/commands', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(payload)
  })
  t.equal((await ask('x'.repeat(owner.token.length), { command: 'keys', args: { action: 'create', name: 'intruder' } })).status, 401, 'a wrong token is refused')
  t.equal((await ask(owner.token, { command: 'shell', args: {} })).status, 400, 'only the known commands')
  t.equal((await ask(owner.token, { command: 'keys', args: { action: ['list'] } })).status, 400, 'arguments are plain strings')
  const keys = await cli('keys', ['list'], env)
  t.equal(keys.code, 0, keys.stderr)
  t.notMatch(keys.stdout, /intruder/, 'the refused request created nothing')

  // A second server on the same directory refuses before opening it, naming the owner.
  const second = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (second.exitCode === null && second.signalCode === null) second.kill('SIGKILL') })
  let secondErrors = ''
  second.stderr.on('data', (chunk: Buffer) => { secondErrors += chunk.toString() })
  const secondCode = await new Promise<number | null>((resolve) => second.once('exit', resolve))
  t.not(secondCode, 0, 'the second server exits non-zero')
  t.match(secondErrors, new RegExp(`is in use by the server pid ${server.child.pid} \\(started `))
  t.equal((await read(server, '/v1/risks/low-risk')).version, 2, 'the owner is untouched')

  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0, 'graceful stop')
  t.notOk(await exists(lockPathFor(dataDir)), 'the lock is released on close')
  t.notOk(await exists(owner.endpoint as string), 'the channel socket is gone')

  const restarted = await startServer(t, env)
  t.match(await read(restarted, '/v1/risks/low-risk'), { version: 2, summary: 'Edited while the server runs.', release: 2 }, 'release 2 survived the restart')

  // A crash leaves the lock behind; the next process sees its pid is gone and takes the directory over.
  restarted.child.kill('SIGKILL')
  await restarted.exit
  t.equal((JSON.parse(await readFile(lockPathFor(dataDir), 'utf8')) as OwnerRecord).pid, restarted.child.pid, 'a stale lock is left')
  const afterCrash = await cli('content-publish', [], env)
  t.equal(afterCrash.code, 0, afterCrash.stderr)
  t.match(afterCrash.stdout, /nothing to publish: the database already holds this content \(release 2\)/, 'opened locally after taking over the stale lock; release 2 is there')
  t.notOk(await exists(lockPathFor(dataDir)), 'and released it again')
})

test('when the owner cannot take the command, nothing is opened and the owner is named (exit 4)', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'kca-handoff-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dataDir = join(root, 'pglite')
  // A live process (the test runner) named as a server whose channel does not answer.
  const record: OwnerRecord = { pid: process.ppid, startedAt: '2026-12-03T08:00:00.000Z', role: 'server', label: 'HTTP on 127.0.0.1:3000', hostname: (await import('node:os')).hostname(), bootId: null, processStart: null, endpoint: join(root, 'pglite.sock'), token: 'x'.repeat(43) }
  await writeFile(lockPathFor(dataDir), JSON.stringify(record), { mode: 0o600 })
  const config = loadConfig({ PGLITE_DIR: dataDir })
  const started = Date.now()
  let waitedMessage = ''
  const output = await dispatchCommand(config, 'content:publish', { seeds: '/nonexistent' }, { startupWaitMs: 500, onWait: (message) => { waitedMessage = message } })
  t.equal(output.exitCode, EXIT_OWNED)
  t.equal(output.stdout, '', 'never a success')
  t.match(output.stderr, `is in use by the server pid ${process.ppid} (started 2026-12-03T08:00:00.000Z, HTTP on 127.0.0.1:3000)`)
  t.match(output.stderr, /did not accept the command on its local channel .*pglite\.sock \(ENOENT\)\. Nothing was changed\./)
  t.match(output.stderr, `stop it (kill ${process.ppid})`)
  t.match(waitedMessage, /waiting for it to accept commands/)
  t.ok(Date.now() - started < 5000, 'bounded wait')
  t.notOk(await exists(dataDir), 'the directory was never created or opened')
})
