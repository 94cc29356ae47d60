// A throwaway PostgreSQL cluster of the test's own (initdb into a temporary directory, on a free port),
// so fault tests can stop and start it without touching the machine's shared server.
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Cluster { url: string, port: number, stop: () => Promise<void>, start: () => Promise<void>, destroy: () => Promise<void> }

/** Why a cluster cannot be made here, or null when it can. */
export async function clusterUnavailable (): Promise<string | null> {
  const versions = existsSync('/usr/lib/postgresql') ? await readdir('/usr/lib/postgresql') : []
  if (versions.length === 0) return 'no PostgreSQL server binaries under /usr/lib/postgresql'
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser to drop to the postgres user'
  return null
}

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export async function createCluster (): Promise<Cluster> {
  const version = (await readdir('/usr/lib/postgresql')).sort().at(-1) as string
  const bin = `/usr/lib/postgresql/${version}/bin`
  const directory = await mkdtemp(join(tmpdir(), 'kca-pg-'))
  await chmod(directory, 0o777)
  const data = join(directory, 'data')
  const port = await freePort()
  // initdb refuses to run as root: drop to the postgres user when we are root.
  const as = async (command: string, args: string[]) => process.getuid?.() === 0
    ? run('/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 60_000 })
    : run(command, args, { timeout: 60_000 })
  await as(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = async () => { await as(`${bin}/pg_ctl`, ['-D', data, '-o', options, '-w', '-t', '30', '-l', join(directory, 'log'), 'start']) }
  const stop = async () => { await as(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop']) }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => {})
      await rm(directory, { recursive: true, force: true })
    }
  }
}
