// Runs a command where it may run: against a database this process opens, or, when a running server owns the
// embedded data directory, inside that server over its local channel (a Unix socket next to the directory,
// token from the 0600 lock file). The command never opens a directory someone else owns; when the hand-off is
// impossible it changes nothing and says who owns the directory and what to do (exit code 4).
import { request } from 'node:http'
import { createDatabase, type DatabaseHandle } from '../../db/client.js'
import { DataDirOwnedError, describeOwner, readOwner, type OwnerRecord } from '../../db/owner-lock.js'
import type { Config } from '../config.js'
import { runCommand, type CommandArgs, type CommandName, type CommandOutput } from '../commands/index.js'

export const EXIT_OWNED = 4

export interface DispatchOptions {
  /** How long to keep trying a server that owns the directory but does not answer yet (it may be starting). */
  startupWaitMs?: number
  /** Said once on stderr while waiting. */
  onWait?: (message: string) => void
}

export async function openDatabase (config: Config, label: string): Promise<DatabaseHandle> {
  return createDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, poolSize: 2, owner: { role: 'command', label } })
}

export async function dispatchCommand (config: Config, name: CommandName, args: CommandArgs, options: DispatchOptions = {}): Promise<CommandOutput> {
  let deadline: number | null = null
  let waited = false
  for (;;) {
    let database: DatabaseHandle
    try {
      database = await openDatabase(config, name)
    } catch (error) {
      if (!(error instanceof DataDirOwnedError)) throw error
      const owner = error.owner
      if (!owner) return refusal(`${error.message}. Nothing was changed: run the command as the user who owns ${error.lockPath}.`)
      if (owner.role !== 'server' || !owner.endpoint) {
        return refusal(`${error.message}. Nothing was changed: wait for it to finish and run the command again.`)
      }
      const record = await readOwner(error.dataDir)
      // The owner went away between the two reads: try to open the directory again.
      if (!record || record.pid !== owner.pid) continue
      const answer = await handOff(record, name, args)
      if (answer.kind === 'answered') return answer.output
      if (answer.kind === 'unknown') {
        return refusal(`the server pid ${record.pid} closed the connection before answering (${answer.reason}); the ${name} may or may not have been applied. Check with \`npm run content:check -- --diff\` (or the command's list) before running it again.`)
      }
      // Counted from the first refusal: the server may still be migrating or publishing its seeds.
      deadline ??= Date.now() + (options.startupWaitMs ?? 60_000)
      if (Date.now() < deadline) {
        if (!waited) options.onWait?.(`the embedded database is owned by ${describeOwner(owner)}; waiting for it to accept commands…`)
        waited = true
        await new Promise((resolve) => setTimeout(resolve, 250))
        continue
      }
      return refusal(`${error.message}, and it did not accept the command on its local channel ${owner.endpoint} (${answer.reason}). Nothing was changed. If it is still starting, run the command again in a moment; otherwise stop it (kill ${owner.pid}) and run the command again, or point PGLITE_DIR at another directory.`)
    }
    try {
      return await runCommand(name, { database }, args)
    } finally {
      await database.close()
    }
  }
}

function refusal (message: string): CommandOutput {
  return { stdout: '', stderr: `${message}\n`, exitCode: EXIT_OWNED }
}

type HandOffAnswer =
  | { kind: 'answered', output: CommandOutput }
  | { kind: 'not-listening', reason: string }
  | { kind: 'unknown', reason: string }

const HAND_OFF_TIMEOUT_MS = 5 * 60_000

function handOff (owner: OwnerRecord, name: CommandName, args: CommandArgs): Promise<HandOffAnswer> {
  return new Promise((resolve) => {
    let connected = false
    const body = JSON.stringify({ command: name, args })
    const req = request({
      socketPath: owner.endpoint as string,
      method: 'POST',
      path: '/commands',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', (error) => resolve({ kind: 'unknown', reason: error.message }))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 200) {
          // Refused before running anything (bad token, unknown command): nothing was changed.
          resolve({ kind: 'answered', output: { stdout: '', stderr: `the server pid ${owner.pid} refused the command: ${res.statusCode} ${text}\n`, exitCode: EXIT_OWNED } })
          return
        }
        try {
          resolve({ kind: 'answered', output: JSON.parse(text) as CommandOutput })
        } catch {
          resolve({ kind: 'unknown', reason: 'unreadable answer' })
        }
      })
    })
    req.on('socket', (socket) => socket.once('connect', () => { connected = true }))
    req.setTimeout(HAND_OFF_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${HAND_OFF_TIMEOUT_MS / 1000} s`)))
    req.on('error', (error) => {
      resolve(connected ? { kind: 'unknown', reason: error.message } : { kind: 'not-listening', reason: (error as NodeJS.ErrnoException).code ?? error.message })
    })
    req.end(body)
  })
}
