import type { DatabaseHandle } from '../db/client.js'
import { loadCorpus } from '../src/content/corpus.js'
import { publishCorpus, type PublishResult } from '../src/content/publish.js'
import type { SeedsDir } from './factories.js'

/** Publishes a test seeds directory, failing loudly if the test content itself is invalid. */
export async function publishSeedsDir (database: DatabaseHandle, seeds: SeedsDir, changeNote?: string): Promise<PublishResult> {
  const corpus = await loadCorpus(seeds.path)
  if (corpus.problems.length > 0) throw new Error(`test content is invalid: ${JSON.stringify(corpus.problems)}`)
  return publishCorpus(database.db, corpus, { changeNote })
}
