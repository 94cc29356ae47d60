// `content:check --diff`: what a publish of the working files would change against the database's current
// release, each updated field shown as a word diff. Reads only; the same plan the publisher computes.
import type { Db } from '../../db/client.js'
import { createContentRepository } from '../repositories/content-repository.js'
import { entityKeyString } from '../repositories/records.js'
import type { Corpus } from './corpus.js'
import { renderPublishPlan } from './field-diff.js'
import { publishCorpus } from './publish.js'

export async function describePendingChanges (db: Db, corpus: Corpus, options: { color?: boolean } = {}): Promise<string> {
  const plan = await publishCorpus(db, corpus, { dryRun: true })
  const previous = new Map((await createContentRepository(db).latestVersions()).map((version) => [entityKeyString(version), version.document]))
  const current = new Map(corpus.entities.map((entity) => [entityKeyString(entity.document), entity.document]))
  return renderPublishPlan(plan, previous, current, options)
}
