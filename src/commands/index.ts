// The operators' and editors' commands as functions of (database, args) → output and exit code. The CLI runs
// them against a database it opens itself, or hands them to the server that owns an embedded database, which
// runs the very same function against its own handle (src/plugins/app/owner-channel.ts): one behaviour, two
// places it can run. Arguments are plain JSON (paths already absolute), so they cross the local channel as is.
import { randomBytes } from 'node:crypto'
import type { DatabaseHandle } from '../../db/client.js'
import { migrateDatabase, migrationStatus } from '../../db/migrate.js'
import { API_KEY_SCOPES, createApiKey, type ApiKeyScope } from '../access/api-keys.js'
import { loadCorpus } from '../content/corpus.js'
import { formatProblems } from '../content/problems.js'
import { describePendingChanges } from '../content/pending-diff.js'
import { sourceRevision } from '../content/git.js'
import { publishCorpus } from '../content/publish.js'
import { verifyContent } from '../content/verify.js'
import { ContentConflictError, ContentInvalidError } from '../errors.js'
import { createAccessRepository } from '../repositories/access-repository.js'
import { announceRelease } from '../webhooks/deliver.js'

export interface CommandOutput {
  stdout: string
  stderr: string
  exitCode: number
}

export type CommandArgs = Record<string, string | boolean | undefined>

export interface CommandContext {
  database: DatabaseHandle
  /**
   * Set when a running server executes the command: swaps a newly published release in before the command
   * answers, and says what the server now serves.
   */
  onPublished?: (release: number) => Promise<string>
}

type Command = (context: CommandContext, args: CommandArgs, out: Output) => Promise<number>

class Output {
  stdout = ''
  stderr = ''
  out (line: string): void { this.stdout += `${line}\n` }
  err (line: string): void { this.stderr += `${line}\n` }
}

const text = (value: unknown): string | undefined => typeof value === 'string' && value !== '' ? value : undefined

/** The valid corpus a command works on, or the exit code after saying why there is none. */
async function validCorpus (args: CommandArgs, out: Output): Promise<{ seedsDir: string, corpus: Awaited<ReturnType<typeof loadCorpus>> } | number> {
  const seedsDir = text(args.seeds)
  if (!seedsDir) {
    out.err('no seeds directory given')
    return 2
  }
  const corpus = await loadCorpus(seedsDir)
  if (corpus.problems.length > 0) {
    out.err(formatProblems(corpus.problems).trimEnd())
    return 1
  }
  return { seedsDir, corpus }
}

const publish: Command = async ({ database, onPublished }, args, out) => {
  const loaded = await validCorpus(args, out)
  if (typeof loaded === 'number') return loaded
  const { seedsDir, corpus } = loaded
  try {
    await migrateDatabase(database)
    // --commit names the source where there is no work tree to ask (a CI artefact, say).
    const commit = text(args.commit)
    const source = commit ? { sourceCommit: commit } : await sourceRevision(seedsDir)
    if ('sourceDirty' in source && source.sourceDirty) out.out(`  note: ${seedsDir} has uncommitted changes; the release records commit ${source.sourceCommit} as dirty, with hash ${source.sourceChangesHash}`)
    const result = await publishCorpus(database.db, corpus, { changeNote: text(args.note), ...source })
    for (const change of result.changes) out.out(`  ${change.action.padEnd(9)} ${change.type}/${change.slug} (${change.locale}) version ${change.version}`)
    for (const draft of result.drafts) out.out(`  draft     ${draft.type}/${draft.slug} (${draft.locale})`)
    if (result.release === null) {
      out.out(`nothing to publish: the database already holds this content (release ${result.baseRelease ?? 'none'})`)
      return 0
    }
    out.out(`published release ${result.release}: ${result.changes.length} change(s)`)
    if (onPublished) out.out(await onPublished(result.release))
    for (const delivery of await announceRelease(database.db, result.release)) {
      out.out(`  webhook ${delivery.endpointId}: ${delivery.delivered ? 'delivered' : 'not delivered'} after ${delivery.attempts} attempt(s)`)
    }
    return 0
  } catch (error) {
    if (error instanceof ContentConflictError || error instanceof ContentInvalidError) {
      out.err(error.message)
      return 3
    }
    throw error
  }
}

const migrate: Command = async (context, args, out) => {
  await migrateDatabase(context.database)
  const status = await migrationStatus(context.database)
  out.out(`schema: ${status.applied}/${status.available} migrations applied`)
  return publish(context, args, out)
}

const dbMigrate: Command = async ({ database }, _args, out) => {
  await migrateDatabase(database)
  const status = await migrationStatus(database)
  out.out(`migrations at head: ${status.applied}/${status.available} applied (${database.driver})`)
  return 0
}

const diff: Command = async ({ database }, args, out) => {
  const loaded = await validCorpus(args, out)
  if (typeof loaded === 'number') return loaded
  const { corpus } = loaded
  await migrateDatabase(database)
  // Colour only when the person who asked is at a terminal (the CLI says so); a handed-off diff is text.
  out.stdout += await describePendingChanges(database.db, corpus, { color: args.color === true })
  return 0
}

const verify: Command = async ({ database }, _args, out) => {
  const { checked, problems } = await verifyContent(database.db)
  for (const problem of problems) {
    out.err(`${problem.entity} version ${problem.version}${problem.versionId ? ` (row ${problem.versionId})` : ` (audit ${problem.auditId})`}: ${problem.problem}`)
  }
  out.out(`${checked} versions checked, ${problems.length} problem(s)`)
  return problems.length > 0 ? 1 : 0
}

export const KEYS_USAGE = 'usage: npm run keys -- create --name NAME [--scopes read,preview] | list | revoke --prefix PREFIX'

const keys: Command = async ({ database }, args, out) => {
  const action = text(args.action)
  const name = text(args.name)
  const prefix = text(args.prefix)
  if (action === 'create') {
    const scopes = (text(args.scopes) ?? 'read').split(',').map((scope) => scope.trim()).filter(Boolean)
    const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope))
    if (!name || unknown.length > 0) {
      if (unknown.length > 0) out.err(`unknown scope(s): ${unknown.join(', ')}; allowed: ${API_KEY_SCOPES.join(', ')}`)
      out.err(KEYS_USAGE)
      return 2
    }
    await migrateDatabase(database)
    const created = await createApiKey(createAccessRepository(database.db), name, scopes as ApiKeyScope[])
    out.out(`created key ${created.prefix} for "${name}" with scopes ${scopes.join(', ')}\n${created.key}\nThis is the only time the key is shown; only its hash is stored.`)
    return 0
  }
  if (action === 'list') {
    await migrateDatabase(database)
    for (const key of await createAccessRepository(database.db).listKeys()) {
      out.out(`${key.prefix}  ${key.name}  ${key.scopes.join(',')}  created ${key.createdAt.toISOString()}${key.revokedAt ? `  REVOKED ${key.revokedAt.toISOString()}` : ''}`)
    }
    return 0
  }
  if (action === 'revoke' && prefix) {
    await migrateDatabase(database)
    const revoked = await createAccessRepository(database.db).revokeKey(prefix)
    out.out(revoked ? `revoked ${prefix}` : `no active key with prefix ${prefix}`)
    return revoked ? 0 : 1
  }
  out.err(KEYS_USAGE)
  return 2
}

export const WEBHOOKS_USAGE = 'usage: npm run webhooks -- add --url URL | list | remove --id N | deliveries --id N'

const webhooks: Command = async ({ database }, args, out) => {
  const action = text(args.action)
  const url = text(args.url)
  const id = Number(text(args.id))
  const repository = createAccessRepository(database.db)
  if (action === 'add' && url && /^https?:\/\/\S+$/.test(url)) {
    await migrateDatabase(database)
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    const endpoint = await repository.insertEndpoint({ url, secret })
    out.out(`added endpoint ${endpoint.id} → ${endpoint.url}\nsigning secret (shown once): ${secret}`)
    return 0
  }
  if (action === 'list') {
    await migrateDatabase(database)
    for (const endpoint of await repository.listEndpoints({ activeOnly: false })) out.out(`${endpoint.id}  ${endpoint.url}  ${endpoint.active ? 'active' : 'removed'}`)
    return 0
  }
  if (action === 'remove' && Number.isInteger(id)) {
    await migrateDatabase(database)
    return await repository.deactivateEndpoint(id) ? 0 : 1
  }
  if (action === 'deliveries' && Number.isInteger(id)) {
    await migrateDatabase(database)
    for (const delivery of await repository.listDeliveries(id)) {
      out.out(`release ${delivery.releaseNumber} attempt ${delivery.attempt}: ${delivery.succeeded ? 'delivered' : `failed (${delivery.error})`} ${delivery.durationMs} ms ${delivery.at.toISOString()}`)
    }
    return 0
  }
  out.err(WEBHOOKS_USAGE)
  return 2
}

export const COMMANDS = {
  'content:publish': publish,
  'content:diff': diff,
  'content:verify': verify,
  migrate,
  'db:migrate': dbMigrate,
  keys,
  webhooks
} satisfies Record<string, Command>

export type CommandName = keyof typeof COMMANDS

export function isCommandName (name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(COMMANDS, name)
}

/** Runs a command against a database handle; an unexpected error becomes exit code 1 with its message. */
export async function runCommand (name: CommandName, context: CommandContext, args: CommandArgs): Promise<CommandOutput> {
  const out = new Output()
  let exitCode: number
  try {
    exitCode = await COMMANDS[name](context, args, out)
  } catch (error) {
    out.err(`${name} failed: ${error instanceof Error ? error.message : String(error)}`)
    exitCode = 1
  }
  return { stdout: out.stdout, stderr: out.stderr, exitCode }
}
