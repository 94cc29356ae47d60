// One owner per embedded data directory. PGlite takes no lock across processes, and two processes writing one
// directory corrupt it (or one of them silently loses its writes), so whoever opens a PGlite directory first
// creates `<dir>.lock` next to it. The lock names the owner (pid, start time, what it is) and, for a server,
// the local channel through which commands hand their work to it. It is removed on close; a lock whose process
// is gone (crash, kill -9, reboot) is stale and taken over.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export type OwnerRole = 'server' | 'command'

/** What the lock file says about its owner; the token is only readable by the owner's user (mode 0600). */
export interface OwnerRecord {
  pid: number
  /** When the owning process started (ISO 8601). */
  startedAt: string
  role: OwnerRole
  /** What the owner is, for messages: "npm start", "content:publish", … */
  label: string
  hostname: string
  /** Linux boot id and the process start tick: a pid reused after a reboot or a crash is not mistaken for the owner. */
  bootId: string | null
  processStart: string | null
  /** Unix socket of a server's local channel (commands hand their work to it); null for a command. */
  endpoint: string | null
  token: string
}

export type PublicOwner = Omit<OwnerRecord, 'token'>

export interface DataDirLock {
  dataDir: string
  lockPath: string
  record: OwnerRecord
  /** Removes the lock if it is still ours. */
  release: () => Promise<void>
}

export class DataDirOwnedError extends Error {
  readonly code = 'KCA_ERR_DATA_DIR_OWNED'
  constructor (readonly dataDir: string, readonly lockPath: string, readonly owner: PublicOwner | null) {
    super(owner
      ? `the embedded database ${dataDir} is in use by ${describeOwner(owner)}; a second process must not open it`
      : `the embedded database ${dataDir} is locked by a process this user cannot identify (${lockPath} is not readable)`)
  }
}

export function describeOwner (owner: PublicOwner): string {
  const where = owner.hostname === hostname() ? '' : ` on host ${owner.hostname}`
  return `the ${owner.role === 'server' ? 'server' : `command ${owner.label}`} pid ${owner.pid}${where} (started ${owner.startedAt}${owner.role === 'server' ? `, ${owner.label}` : ''})`
}

export function lockPathFor (dataDir: string): string {
  return `${resolve(dataDir)}.lock`
}

// Unix socket paths are limited to about 104 bytes; a deep data directory gets a socket in the temp directory,
// named after the directory so it stays the same for every start.
export function endpointFor (dataDir: string): string {
  const beside = `${resolve(dataDir)}.sock`
  if (Buffer.byteLength(beside) <= 100) return beside
  return join(tmpdir(), `kca-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}.sock`)
}

export interface AcquireOptions {
  role: OwnerRole
  label: string
  /** How long to wait for a command that owns the directory to finish (a server never waits for a server). */
  waitForCommandMs?: number
}

const TAKEOVER_GUARD_STALE_MS = 10_000

export async function acquireDataDirLock (dataDir: string, options: AcquireOptions): Promise<DataDirLock> {
  const directory = resolve(dataDir)
  const lockPath = lockPathFor(directory)
  const record: OwnerRecord = {
    pid: process.pid,
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    role: options.role,
    label: options.label,
    hostname: hostname(),
    bootId: readBootId(),
    processStart: processStartTick(process.pid),
    endpoint: options.role === 'server' ? endpointFor(directory) : null,
    token: randomBytes(32).toString('base64url')
  }
  const text = `${JSON.stringify(record, null, 2)}\n`
  const deadline = Date.now() + (options.waitForCommandMs ?? 30_000)
  for (;;) {
    if (await createExclusive(lockPath, text)) break
    const existing = await readLockFile(lockPath)
    if (existing === 'missing') continue
    if (existing === 'unreadable') throw new DataDirOwnedError(directory, lockPath, null)
    if (existing === 'corrupt' || !ownerAlive(existing.record)) {
      await takeOver(lockPath, existing === 'corrupt' ? null : existing.raw)
      continue
    }
    const owner = publicOwner(existing.record)
    // A command holds the directory for seconds: wait for it. A server holds it until stopped: refuse now.
    if (owner.role === 'command' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      continue
    }
    throw new DataDirOwnedError(directory, lockPath, owner)
  }

  let released = false
  const releaseSync = () => {
    if (released) return
    released = true
    try {
      if (readFileSync(lockPath, 'utf8') === text) unlinkSync(lockPath)
    } catch {}
  }
  // A process that exits without closing the database (an uncaught error) leaves no lock behind.
  process.once('exit', releaseSync)
  return {
    dataDir: directory,
    lockPath,
    record,
    release: async () => {
      process.removeListener('exit', releaseSync)
      releaseSync()
    }
  }
}

/** The owner of a data directory as its lock file names it, with the token (null: no owner). */
export async function readOwner (dataDir: string): Promise<OwnerRecord | null> {
  const existing = await readLockFile(lockPathFor(dataDir))
  if (typeof existing === 'string') return null
  return ownerAlive(existing.record) ? existing.record : null
}

export function publicOwner (record: OwnerRecord): PublicOwner {
  const { token: _token, ...owner } = record
  return owner
}

// The content is complete before the lock exists: written to a private file, then hard-linked into place,
// which fails atomically when the lock is already there. A reader never sees a half-written lock.
async function createExclusive (lockPath: string, text: string): Promise<boolean> {
  const temporary = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temporary, text, { mode: 0o600, flag: 'wx' })
  try {
    await link(temporary, lockPath)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(temporary).catch(() => {})
  }
}

type LockFile = { raw: string, record: OwnerRecord } | 'missing' | 'unreadable' | 'corrupt'

async function readLockFile (lockPath: string): Promise<LockFile> {
  let raw: string
  try {
    raw = await readFile(lockPath, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    if (code === 'EACCES' || code === 'EPERM') return 'unreadable'
    throw error
  }
  try {
    const record = JSON.parse(raw) as OwnerRecord
    if (!Number.isInteger(record.pid) || record.pid <= 0 || typeof record.token !== 'string') return 'corrupt'
    return { raw, record }
  } catch {
    return 'corrupt'
  }
}

/** False when the owning process is certainly gone: dead pid, another boot, or the pid now names another process. */
export function ownerAlive (record: OwnerRecord): boolean {
  // On another host we cannot look: assume it is alive rather than risk two writers.
  if (record.hostname !== hostname()) return true
  const bootId = readBootId()
  if (record.bootId && bootId && record.bootId !== bootId) return false
  try {
    process.kill(record.pid, 0)
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const start = processStartTick(record.pid)
  if (record.processStart && start && record.processStart !== start) return false
  return true
}

// Only one process may remove a stale lock: another one could otherwise remove the fresh lock that a third
// process created in between. The guard file serialises takeovers; a guard left by a crash expires.
async function takeOver (lockPath: string, staleRaw: string | null): Promise<void> {
  const guard = `${lockPath}.takeover`
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const age = await stat(guard).then((info) => Date.now() - info.mtimeMs, () => 0)
    if (age > TAKEOVER_GUARD_STALE_MS) await unlink(guard).catch(() => {})
    else await new Promise((resolve) => setTimeout(resolve, 50))
    return
  }
  try {
    const current = await readFile(lockPath, 'utf8').catch(() => null)
    const stillStale = staleRaw === null ? current !== null && (await readLockFile(lockPath)) === 'corrupt' : current === staleRaw
    if (stillStale) await unlink(lockPath).catch(() => {})
  } finally {
    await unlink(guard).catch(() => {})
  }
}

function readBootId (): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return null
  }
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux only).
function processStartTick (pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}
