// Publishing: materialises every live entity as the new release will show it (links from either side, titles
// of linked entities, available locales: see materialise.ts), compares that with the newest versions in the
// database and, in one transaction, writes a new version for each entity whose hash changed, a tombstone for
// each entity whose file is gone, one release that lists every live version, and an audit row per change.
// Nothing changed → nothing written.
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../../db/client.js'
import { createContentRepository } from '../repositories/content-repository.js'
import { entityKeyString, type EntityKey, type VersionRecord } from '../repositories/records.js'
import { ContentConflictError, ContentInvalidError } from '../errors.js'
import { canonicalJson, contentHash } from './canonical.js'
import type { Corpus } from './corpus.js'
import { materialise, sourceOf, type PublishedDocument } from './materialise.js'
import { tombstoneHash } from './verify.js'
import type { EntityDocument } from '../../schema/entity.js'

export const RELEASE_CHANNEL = 'kca_release_published'

/** Held for the length of a publish transaction: two publishers never interleave. */
export const PUBLISH_LOCK_KEY = 7_403_119_002

export type ChangeAction = 'created' | 'updated' | 'withdrawn'
export interface PlannedChange extends EntityKey {
  action: ChangeAction
  version: number
  hashBefore: string | null
  hashAfter: string
  sourceFile: string
  changedFields: string[]
  /** What the new version stores (null for a withdrawal). */
  document: PublishedDocument | null
}
export interface DraftChange extends EntityKey { sourceFile: string }

export interface PublishPlan {
  baseRelease: number | null
  changes: PlannedChange[]
  drafts: DraftChange[]
}

export interface PublishResult extends PublishPlan {
  release: number | null
}

export interface PublishOptions {
  changeNote?: string | undefined
  sourceCommit?: string | null | undefined
  /** The content directory differed from sourceCommit (see src/content/git.ts sourceRevision). */
  sourceDirty?: boolean | undefined
  sourceChangesHash?: string | null | undefined
  /** Compute and return the plan without writing anything. */
  dryRun?: boolean
}

export async function publishCorpus (db: Db, corpus: Corpus, options: PublishOptions = {}): Promise<PublishResult> {
  if (corpus.problems.length > 0) throw new ContentInvalidError(corpus.problems)
  const repository = createContentRepository(db)
  if (options.dryRun) {
    const { live: _live, ...plan } = planChanges(corpus, await repository.latestVersions(), await repository.latestReleaseNumber(), new Map(), await repository.listDraftHashes())
    return { ...plan, release: null }
  }
  return await db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${PUBLISH_LOCK_KEY}) as locked`))
    const locked = lock?.locked === true
    if (!locked) throw new ContentConflictError('another publish is in progress; nothing was written')

    const latest = await repository.latestVersions(tx)
    const baseRelease = await repository.latestReleaseNumber(tx)
    const entityIds = await repository.findEntityIds(corpus.entities.map((entity) => entity.document), tx)
    for (const version of latest) entityIds.set(entityKeyString(version), version.entityId)
    const { live, ...plan } = planChanges(corpus, latest, baseRelease, entityIds, await repository.listDraftHashes(tx))

    for (const draft of plan.drafts) {
      const entity = corpus.entities.find((candidate) => entityKeyString(candidate.document) === entityKeyString(draft)) as Corpus['entities'][number]
      const entityId = entityIds.get(entityKeyString(draft)) ?? await repository.createEntity(draft, tx)
      entityIds.set(entityKeyString(draft), entityId)
      await repository.saveDraft({ entityId, document: entity.document, contentHash: contentHash(entity.document), sourceFile: entity.sourceFile }, tx)
    }
    // A draft that became published, or whose file is gone, is no longer a draft.
    const draftEntityIds = new Set(corpus.entities.filter((entity) => entity.status === 'draft')
      .map((entity) => entityIds.get(entityKeyString(entity.document))))
    await repository.deleteDrafts([...(await repository.listDraftHashes(tx)).keys()].filter((id) => !draftEntityIds.has(id)), tx)

    if (plan.changes.length === 0) return { ...plan, release: null }

    const release = (baseRelease ?? 0) + 1
    const changeNote = options.changeNote?.trim() || describeChanges(plan.changes)
    const liveVersions = new Map<number, number>()
    for (const version of latest) if (version.state === 'published') liveVersions.set(version.entityId, version.versionId)

    for (const change of plan.changes) {
      const key = entityKeyString(change)
      const entityId = entityIds.get(key) ?? await repository.createEntity(change, tx)
      entityIds.set(key, entityId)
      const versionId = await repository.insertVersion({
        entityId,
        version: change.version,
        state: change.action === 'withdrawn' ? 'withdrawn' : 'published',
        document: change.document,
        contentHash: change.hashAfter,
        changeNote,
        sourceFile: change.sourceFile,
        releaseNumber: release
      }, tx)
      if (change.action === 'withdrawn') liveVersions.delete(entityId)
      else liveVersions.set(entityId, versionId)
    }

    const entries = [...liveVersions.entries()].map(([entityId, versionId]) => ({ entityId, versionId })).sort((a, b) => a.entityId - b.entityId)
    const manifest = live.map((entry) => [entry.key, entry.hash]).sort()
    await repository.insertRelease({
      number: release,
      changeNote,
      ...recordedSource(options),
      manifestHash: contentHash(manifest),
      entityCount: entries.length,
      stats: {
        created: plan.changes.filter((change) => change.action === 'created').length,
        updated: plan.changes.filter((change) => change.action === 'updated').length,
        withdrawn: plan.changes.filter((change) => change.action === 'withdrawn').length
      }
    }, entries, tx)
    await repository.insertAudit(plan.changes.map((change) => ({
      releaseNumber: release,
      entityId: entityIds.get(entityKeyString(change)) as number,
      type: change.type,
      slug: change.slug,
      locale: change.locale,
      action: change.action,
      version: change.version,
      hashBefore: change.hashBefore,
      hashAfter: change.hashAfter,
      sourceFile: change.sourceFile,
      ...recordedSource(options)
    })), tx)
    await repository.upsertSources(corpus.sources.map((source) => ({ ...source, contentHash: contentHash(source) })), tx)
    // Delivered at commit to every instance that LISTENs: they swap in the new release.
    await tx.execute(sql`select pg_notify(${RELEASE_CHANNEL}, ${String(release)})`)
    return { ...plan, release }
  })
}

/** Provenance as recorded on the release and each audit row: a commit alone only when the tree was clean. */
function recordedSource (options: PublishOptions): { sourceCommit: string | null, sourceDirty: boolean, sourceChangesHash: string | null } {
  const sourceDirty = options.sourceDirty === true
  return { sourceCommit: options.sourceCommit ?? null, sourceDirty, sourceChangesHash: sourceDirty ? options.sourceChangesHash ?? null : null }
}

/** What a publish would do: pure, so `content:check --diff` and the publisher agree by construction. */
export function planChanges (
  corpus: Corpus, latest: VersionRecord[], baseRelease: number | null, entityIds: Map<string, number>, draftHashes: Map<number, string>
): PublishPlan & { live: Array<{ key: string, hash: string }> } {
  const latestByKey = new Map(latest.map((version) => [entityKeyString(version), version]))
  const changes: PlannedChange[] = []
  const drafts: DraftChange[] = []
  const live: Array<{ document: EntityDocument, sourceFile: string }> = []
  const ordered = [...corpus.entities].sort((a, b) => compareKeys(a.document, b.document))
  for (const entity of ordered) {
    const key = entityKeyString(entity.document)
    const previous = latestByKey.get(key)
    if (entity.status === 'draft') {
      const entityId = entityIds.get(key) ?? previous?.entityId
      if (entityId === undefined || draftHashes.get(entityId) !== contentHash(entity.document)) {
        drafts.push({ type: entity.document.type, slug: entity.document.slug, locale: entity.document.locale, sourceFile: entity.sourceFile })
      }
      // An entity with a published version keeps it while a new draft is being prepared; its links are
      // resolved again from what that version declared, so it follows changes on the other side.
      if (previous?.state === 'published' && previous.document) live.push({ document: sourceOf(previous.document), sourceFile: previous.sourceFile })
      continue
    }
    live.push({ document: entity.document, sourceFile: entity.sourceFile })
  }
  const published = materialise(live.map((entry) => entry.document))
  const liveHashes: Array<{ key: string, hash: string }> = []
  for (const { document: source, sourceFile } of live) {
    const key = entityKeyString(source)
    const document = published.get(key) as PublishedDocument
    const hash = contentHash(document)
    liveHashes.push({ key, hash })
    const previous = latestByKey.get(key)
    if (previous && previous.state === 'published' && previous.contentHash === hash) continue
    changes.push({
      type: source.type,
      slug: source.slug,
      locale: source.locale,
      action: previous && previous.state === 'published' ? 'updated' : 'created',
      version: (previous?.version ?? 0) + 1,
      hashBefore: previous?.state === 'published' ? previous.contentHash : null,
      hashAfter: hash,
      sourceFile,
      changedFields: previous?.state === 'published' ? changedFields(previous.document, document) : [],
      document
    })
  }
  const present = new Set(liveHashes.map((entry) => entry.key))
  for (const previous of [...latest].sort(compareKeys)) {
    const key = entityKeyString(previous)
    if (previous.state !== 'published' || present.has(key)) continue
    changes.push({
      type: previous.type,
      slug: previous.slug,
      locale: previous.locale,
      action: 'withdrawn',
      version: previous.version + 1,
      hashBefore: previous.contentHash,
      hashAfter: tombstoneHash(key, previous.contentHash),
      sourceFile: previous.sourceFile,
      changedFields: [],
      document: null
    })
  }
  return { baseRelease, changes, drafts, live: liveHashes }
}

export function changedFields (before: unknown, after: unknown): string[] {
  const left = (before ?? {}) as Record<string, unknown>
  const right = (after ?? {}) as Record<string, unknown>
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()
    .filter((field) => canonicalJson(left[field] ?? null) !== canonicalJson(right[field] ?? null))
}

function compareKeys (a: EntityKey, b: EntityKey): number {
  return entityKeyString(a) < entityKeyString(b) ? -1 : entityKeyString(a) > entityKeyString(b) ? 1 : 0
}

function describeChanges (changes: PlannedChange[]): string {
  const count = (action: ChangeAction) => changes.filter((change) => change.action === action).length
  const head = `${count('created')} created, ${count('updated')} updated, ${count('withdrawn')} withdrawn`
  const list = changes.slice(0, 10).map((change) => `${change.type}/${change.slug} (${change.locale}) ${change.action}`).join('; ')
  return changes.length > 10 ? `${head}: ${list}; and ${changes.length - 10} more` : `${head}: ${list}`
}
