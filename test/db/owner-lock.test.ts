// One owner per embedded data directory: the lock names its owner, refuses a second one, is released on close,
// and is taken over when the process it names is gone.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import tap, { test } from 'tap'
import { createDatabase } from '../../db/client.js'
import { acquireDataDirLock, DataDirOwnedError, lockPathFor, type OwnerRecord } from '../../db/owner-lock.js'

// The last test creates a real PGlite directory (initdb): about a minute on a loaded two-core machine.
tap.setTimeout(300_000)

async function scratch (t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'kca-lock-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  return join(directory, 'pglite')
}

/** The pid of a process that has certainly exited. */
async function deadPid (): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid as number
}

function foreignRecord (overrides: Partial<OwnerRecord>): OwnerRecord {
  return { pid: 1, startedAt: '2026-01-01T00:00:00.000Z', role: 'server', label: 'HTTP on 127.0.0.1:3000', hostname: hostname(), bootId: null, processStart: null, endpoint: '/nowhere.sock', token: 'x'.repeat(43), ...overrides }
}

test('the first owner holds the directory; a second is refused with the owner named; close releases it', async (t) => {
  const dataDir = await scratch(t)
  const lock = await acquireDataDirLock(dataDir, { role: 'server', label: 'HTTP on 127.0.0.1:3000' })
  const onDisk = JSON.parse(await readFile(lockPathFor(dataDir), 'utf8')) as OwnerRecord
  t.equal(onDisk.pid, process.pid)
  t.equal(onDisk.role, 'server')
  t.match(onDisk.endpoint, /pglite\.sock$/)
  t.match(onDisk.token, /^[A-Za-z0-9_-]{43}$/)
  t.equal((await stat(lockPathFor(dataDir))).mode & 0o777, 0o600, 'only the owner\'s user can read the token')

  for (const role of ['server', 'command'] as const) {
    const refused = await acquireDataDirLock(dataDir, { role, label: 'second', waitForCommandMs: 0 }).catch((error: unknown) => error)
    t.type(refused, DataDirOwnedError)
    t.match((refused as Error).message, new RegExp(`in use by the server pid ${process.pid} \\(started .*HTTP on 127\\.0\\.0\\.1:3000\\)`))
    t.notOk(JSON.stringify((refused as DataDirOwnedError).owner).includes(onDisk.token), 'the error never carries the token')
  }

  await lock.release()
  await t.rejects(stat(lockPathFor(dataDir)), { code: 'ENOENT' }, 'released')
  const next = await acquireDataDirLock(dataDir, { role: 'command', label: 'content:publish' })
  t.equal(next.record.role, 'command')
  await next.release()
})

test('a lock left by a process that is gone is taken over', async (t) => {
  const dataDir = await scratch(t)
  const pid = await deadPid()
  await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid })), { mode: 0o600 })
  const lock = await acquireDataDirLock(dataDir, { role: 'server', label: 'restart after a crash' })
  t.equal(lock.record.pid, process.pid)
  t.equal((JSON.parse(await readFile(lockPathFor(dataDir), 'utf8')) as OwnerRecord).pid, process.pid, 'the lock now names this process')
  await lock.release()

  // A pid that exists again, but names another process (reused after a crash): not the owner.
  if (process.platform === 'linux') {
    await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid: process.pid, processStart: '1' })), { mode: 0o600 })
    const reused = await acquireDataDirLock(dataDir, { role: 'command', label: 'after pid reuse' })
    t.equal(reused.record.pid, process.pid)
    await reused.release()
    // Written before the last reboot.
    await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid: process.ppid, bootId: 'another-boot' })), { mode: 0o600 })
    const rebooted = await acquireDataDirLock(dataDir, { role: 'command', label: 'after a reboot' })
    t.equal(rebooted.record.pid, process.pid)
    await rebooted.release()
  }

  // Unreadable garbage (a disk hiccup) is not an owner either.
  await writeFile(lockPathFor(dataDir), 'not json', { mode: 0o600 })
  const afterGarbage = await acquireDataDirLock(dataDir, { role: 'command', label: 'after garbage' })
  await afterGarbage.release()
})

test('many processes racing for a stale lock: exactly one wins', async (t) => {
  const dataDir = await scratch(t)
  await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid: await deadPid() })), { mode: 0o600 })
  const outcomes = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => acquireDataDirLock(dataDir, { role: 'server', label: `racer ${n}` })))
  const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled')
  t.equal(winners.length, 1, 'one owner')
  for (const outcome of outcomes) if (outcome.status === 'rejected') t.type(outcome.reason, DataDirOwnedError)
  await (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>).value.release()
})

test('a live owner on this host is never taken over; a command owner is waited for, a server is not', async (t) => {
  const dataDir = await scratch(t)
  // The parent process (the test runner) is alive and is not us.
  await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid: process.ppid, role: 'command', label: 'content:publish', endpoint: null })), { mode: 0o600 })
  const started = Date.now()
  const refused = await acquireDataDirLock(dataDir, { role: 'command', label: 'keys', waitForCommandMs: 300 }).catch((error: unknown) => error)
  t.type(refused, DataDirOwnedError)
  t.ok(Date.now() - started >= 300, 'waited for the command to finish')
  t.match((refused as Error).message, `in use by the command content:publish pid ${process.ppid}`)

  // The command finishes while we wait: we get the directory.
  setTimeout(() => { rm(lockPathFor(dataDir)).catch(() => {}) }, 200)
  const lock = await acquireDataDirLock(dataDir, { role: 'command', label: 'keys', waitForCommandMs: 5000 })
  t.equal(lock.record.pid, process.pid)
  await lock.release()

  await writeFile(lockPathFor(dataDir), JSON.stringify(foreignRecord({ pid: process.ppid })), { mode: 0o600 })
  const quick = Date.now()
  const second = await acquireDataDirLock(dataDir, { role: 'command', label: 'keys', waitForCommandMs: 5000 }).catch((error: unknown) => error)
  t.type(second, DataDirOwnedError)
  t.ok(Date.now() - quick < 1000, 'a server owner is reported at once (the command hands its work over instead)')
})

test('createDatabase on a PGlite directory takes the lock before opening it and releases it on close', async (t) => {
  const dataDir = await scratch(t)
  const first = await createDatabase({ pgliteDir: dataDir, owner: { role: 'server', label: 'first' } })
  t.equal(first.lock?.record.pid, process.pid)
  const second = await createDatabase({ pgliteDir: dataDir, owner: { role: 'command', label: 'second', waitForCommandMs: 0 } }).catch((error: unknown) => error)
  t.type(second, DataDirOwnedError, 'the directory is never opened twice')
  await first.close()
  await t.rejects(stat(lockPathFor(dataDir)), { code: 'ENOENT' })
  const memory = await createDatabase({ pgliteDir: 'memory://' })
  t.equal(memory.lock, undefined, 'memory:// has nothing to lock')
  await memory.close()
})
