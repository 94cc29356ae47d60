// npm run content:publish [-- --note "why"] — publish the seeds as a new release in one transaction.
import { loadCorpus } from '../content/corpus.js'
import { publishCorpus } from '../content/publish.js'
import { sourceRevision } from '../content/git.js'
import { announceRelease } from '../webhooks/deliver.js'
import { migrateDatabase } from '../../db/migrate.js'
import { ContentConflictError, ContentInvalidError } from '../errors.js'
import { configOrExit, DEFAULT_SEEDS_DIR, openDatabase, parseCliArgs, printProblems } from './shared.js'

export async function publishSeeds (options: { note?: string | undefined, seeds?: string | undefined, commit?: string | undefined }): Promise<number> {
  const seedsDir = options.seeds ?? DEFAULT_SEEDS_DIR
  const corpus = await loadCorpus(seedsDir)
  if (corpus.problems.length > 0) {
    printProblems(corpus.problems)
    return 1
  }
  const database = await openDatabase(configOrExit())
  try {
    await migrateDatabase(database)
    // --commit names the source where there is no work tree to ask (a CI artefact, say).
    const source = options.commit ? { sourceCommit: options.commit } : await sourceRevision(seedsDir)
    if ('sourceDirty' in source && source.sourceDirty) process.stdout.write(`  note: ${seedsDir} has uncommitted changes; the release records commit ${source.sourceCommit} as dirty, with hash ${source.sourceChangesHash}\n`)
    const result = await publishCorpus(database.db, corpus, { changeNote: options.note, ...source })
    for (const change of result.changes) process.stdout.write(`  ${change.action.padEnd(9)} ${change.type}/${change.slug} (${change.locale}) version ${change.version}\n`)
    for (const draft of result.drafts) process.stdout.write(`  draft     ${draft.type}/${draft.slug} (${draft.locale})\n`)
    process.stdout.write(result.release === null
      ? `nothing to publish: the database already holds this content (release ${result.baseRelease ?? 'none'})\n`
      : `published release ${result.release}: ${result.changes.length} change(s)\n`)
    if (result.release !== null) {
      for (const delivery of await announceRelease(database.db, result.release)) {
        process.stdout.write(`  webhook ${delivery.endpointId}: ${delivery.delivered ? 'delivered' : 'not delivered'} after ${delivery.attempts} attempt(s)\n`)
      }
    }
    return 0
  } catch (error) {
    if (error instanceof ContentConflictError || error instanceof ContentInvalidError) {
      process.stderr.write(`${error.message}\n`)
      return 3
    }
    throw error
  } finally {
    await database.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseCliArgs({ note: { type: 'string' }, seeds: { type: 'string' }, commit: { type: 'string' } })
  process.exitCode = await publishSeeds(args)
}
