// All SQL about entities, versions, drafts, releases and the audit log. Pure: it takes a database (or a
// transaction) and knows nothing of HTTP. Not-found answers are `null`; callers decide what that means.
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/client.js'
import {
  auditLog, entities, entityDrafts, entityVersions, releaseEntries, releases, sources, versionCodes, versionLinks, versionSources
} from '../../db/tables/index.js'
import type { Locale } from '../../schema/common.js'
import type { EntityDocument, Source } from '../../schema/entity.js'
import { createSearchRepository } from './search-repository.js'
import { entityKeyString, type AuditRecord, type EntityKey, type ReleaseRecord, type VersionRecord } from './records.js'
import type { PublishedDocument } from '../content/materialise.js'

const versionColumns = {
  entityId: entities.id,
  type: entities.type,
  slug: entities.slug,
  locale: entities.locale,
  versionId: entityVersions.id,
  version: entityVersions.version,
  state: entityVersions.state,
  document: entityVersions.document,
  contentHash: entityVersions.contentHash,
  changeNote: entityVersions.changeNote,
  sourceFile: entityVersions.sourceFile,
  releaseNumber: entityVersions.releaseNumber,
  publishedAt: entityVersions.publishedAt
}

export function createContentRepository (db: Db) {
  const asVersion = (row: Record<string, unknown>) => row as unknown as VersionRecord

  return {
    async latestReleaseNumber (tx: DbOrTx = db): Promise<number | null> {
      const [row] = await tx.select({ number: sql<number | null>`max(${releases.number})` }).from(releases)
      return row?.number == null ? null : Number(row.number)
    },

    async findRelease (number: number, tx: DbOrTx = db): Promise<ReleaseRecord | null> {
      const [row] = await tx.select().from(releases).where(eq(releases.number, number))
      return row ?? null
    },

    async listReleases (options: { before?: number | undefined, limit: number }, tx: DbOrTx = db): Promise<ReleaseRecord[]> {
      return tx.select().from(releases)
        .where(options.before === undefined ? undefined : sql`${releases.number} < ${options.before}`)
        .orderBy(desc(releases.number)).limit(options.limit)
    },

    /** Every version in a release, with its document: one statement, whatever the release's size. */
    async releaseVersions (releaseNumber: number, tx: DbOrTx = db): Promise<VersionRecord[]> {
      const rows = await tx.select(versionColumns).from(releaseEntries)
        .innerJoin(entityVersions, eq(entityVersions.id, releaseEntries.versionId))
        .innerJoin(entities, eq(entities.id, releaseEntries.entityId))
        .where(eq(releaseEntries.releaseNumber, releaseNumber))
      return rows.map(asVersion)
    },

    /** The newest version (published or tombstone) of every entity: what a publish compares against. */
    async latestVersions (tx: DbOrTx = db): Promise<VersionRecord[]> {
      const rows = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId))
        .orderBy(asc(entityVersions.entityId), desc(entityVersions.version))
      const latest = new Map<number, VersionRecord>()
      for (const row of rows.map(asVersion)) if (!latest.has(row.entityId)) latest.set(row.entityId, row)
      return [...latest.values()]
    },

    async listVersions (key: EntityKey, tx: DbOrTx = db): Promise<VersionRecord[]> {
      const rows = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId))
        .where(and(eq(entities.type, key.type), eq(entities.slug, key.slug), eq(entities.locale, key.locale)))
        .orderBy(asc(entityVersions.version))
      return rows.map(asVersion)
    },

    /** Histories of many entities in one statement (GraphQL `versions` on a list). */
    async listVersionsOfEntities (entityIds: number[], tx: DbOrTx = db): Promise<Map<number, VersionRecord[]>> {
      const histories = new Map<number, VersionRecord[]>()
      if (entityIds.length === 0) return histories
      const rows = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId))
        .where(inArray(entityVersions.entityId, entityIds))
        .orderBy(asc(entityVersions.entityId), asc(entityVersions.version))
      for (const row of rows.map(asVersion)) histories.set(row.entityId, [...(histories.get(row.entityId) ?? []), row])
      return histories
    },

    async findVersion (key: EntityKey, version: number, tx: DbOrTx = db): Promise<VersionRecord | null> {
      const [row] = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId))
        .where(and(eq(entities.type, key.type), eq(entities.slug, key.slug), eq(entities.locale, key.locale), eq(entityVersions.version, version)))
      return row ? asVersion(row) : null
    },

    async findEntityIds (keys: EntityKey[], tx: DbOrTx = db): Promise<Map<string, number>> {
      const rows = await tx.select({ id: entities.id, type: entities.type, slug: entities.slug, locale: entities.locale }).from(entities)
      const wanted = new Set(keys.map(entityKeyString))
      return new Map(rows.map((row) => [entityKeyString(row as EntityKey), row.id] as const).filter(([key]) => wanted.has(key)))
    },

    async createEntity (key: EntityKey, tx: DbOrTx = db): Promise<number> {
      const [row] = await tx.insert(entities).values(key).returning({ id: entities.id })
      return (row as { id: number }).id
    },

    async insertVersion (values: {
      entityId: number,
      version: number,
      state: 'published' | 'withdrawn',
      document: PublishedDocument | null,
      contentHash: string,
      changeNote: string,
      sourceFile: string,
      releaseNumber: number
    }, tx: DbOrTx = db): Promise<number> {
      const [row] = await tx.insert(entityVersions).values(values).returning({ id: entityVersions.id })
      const versionId = (row as { id: number }).id
      const document = values.document
      if (document) {
        // Normalized copies of codes, links and citations make lookups and integrity checks plain SQL.
        if (document.codes.length > 0) {
          await tx.insert(versionCodes).values(document.codes.map((code) => ({ versionId, ...code }))).onConflictDoNothing()
        }
        if (document.related.length > 0) {
          await tx.insert(versionLinks).values(document.related.map((link) => ({ versionId, targetType: link.type, targetSlug: link.slug }))).onConflictDoNothing()
        }
        await tx.insert(versionSources).values(document.sources.map((source) => ({ versionId, sourceId: source.id }))).onConflictDoNothing()
        // Indexed in the same transaction: a release is never searchable with some of its versions missing.
        await createSearchRepository(db).indexVersion(versionId, tx)
      }
      return versionId
    },

    async insertRelease (values: Omit<ReleaseRecord, 'createdAt' | 'sourceDirty' | 'sourceChangesHash'> & Partial<Pick<ReleaseRecord, 'sourceDirty' | 'sourceChangesHash'>>, versionIds: Array<{ entityId: number, versionId: number }>, tx: DbOrTx = db): Promise<void> {
      await tx.insert(releases).values(values)
      for (let start = 0; start < versionIds.length; start += 500) {
        await tx.insert(releaseEntries).values(versionIds.slice(start, start + 500).map((entry) => ({ releaseNumber: values.number, ...entry })))
      }
    },

    async insertAudit (rows: Array<Omit<AuditRecord, 'id' | 'at' | 'sourceDirty' | 'sourceChangesHash'> & Partial<Pick<AuditRecord, 'sourceDirty' | 'sourceChangesHash'>>>, tx: DbOrTx = db): Promise<void> {
      if (rows.length > 0) await tx.insert(auditLog).values(rows)
    },

    async listAudit (options: { after: number, limit: number, locale?: Locale | undefined }, tx: DbOrTx = db): Promise<AuditRecord[]> {
      const after = gt(auditLog.id, options.after)
      return await tx.select().from(auditLog).where(options.locale === undefined ? after : and(after, eq(auditLog.locale, options.locale)))
        .orderBy(asc(auditLog.id)).limit(options.limit) as AuditRecord[]
    },

    /** Given versions of given entities, in one statement (the feed's `include=entity`); keyed `entityId#version`. */
    async findVersionsOf (wanted: Array<{ entityId: number, version: number }>, tx: DbOrTx = db): Promise<Map<string, VersionRecord>> {
      const found = new Map<string, VersionRecord>()
      if (wanted.length === 0) return found
      const pairs = sql.join(wanted.map((pair) => sql`(${pair.entityId}::int, ${pair.version}::int)`), sql`, `)
      const rows = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId))
        .where(sql`(${entityVersions.entityId}, ${entityVersions.version}) in (${pairs})`)
      for (const row of rows.map(asVersion)) found.set(`${row.entityId}#${row.version}`, row)
      return found
    },

    async auditOfRelease (releaseNumber: number, tx: DbOrTx = db): Promise<AuditRecord[]> {
      return await tx.select().from(auditLog).where(eq(auditLog.releaseNumber, releaseNumber)).orderBy(asc(auditLog.id)) as AuditRecord[]
    },

    /** Every version row, oldest first: what content:verify recomputes. */
    async allVersions (tx: DbOrTx = db): Promise<VersionRecord[]> {
      const rows = await tx.select(versionColumns).from(entityVersions)
        .innerJoin(entities, eq(entities.id, entityVersions.entityId)).orderBy(asc(entityVersions.id))
      return rows.map(asVersion)
    },

    async upsertSources (list: Array<Source & { contentHash: string }>, tx: DbOrTx = db): Promise<void> {
      for (const { contentHash, ...source } of list) {
        await tx.insert(sources).values({ id: source.id, data: source, contentHash })
          .onConflictDoUpdate({ target: sources.id, set: { data: source, contentHash, updatedAt: sql`now()` }, where: sql`${sources.contentHash} <> ${contentHash}` })
      }
    },

    async listDraftHashes (tx: DbOrTx = db): Promise<Map<number, string>> {
      const rows = await tx.select({ entityId: entityDrafts.entityId, contentHash: entityDrafts.contentHash }).from(entityDrafts)
      return new Map(rows.map((row) => [row.entityId, row.contentHash]))
    },

    async saveDraft (values: { entityId: number, document: EntityDocument, contentHash: string, sourceFile: string }, tx: DbOrTx = db): Promise<void> {
      await tx.insert(entityDrafts).values(values)
        .onConflictDoUpdate({ target: entityDrafts.entityId, set: { document: values.document, contentHash: values.contentHash, sourceFile: values.sourceFile, updatedAt: sql`now()` } })
    },

    async deleteDrafts (entityIds: number[], tx: DbOrTx = db): Promise<void> {
      if (entityIds.length > 0) await tx.delete(entityDrafts).where(inArray(entityDrafts.entityId, entityIds))
    },

    async findDraft (key: EntityKey, tx: DbOrTx = db): Promise<{ document: EntityDocument, contentHash: string, updatedAt: Date } | null> {
      const [row] = await tx.select({ document: entityDrafts.document, contentHash: entityDrafts.contentHash, updatedAt: entityDrafts.updatedAt })
        .from(entityDrafts).innerJoin(entities, eq(entities.id, entityDrafts.entityId))
        .where(and(eq(entities.type, key.type), eq(entities.slug, key.slug), eq(entities.locale, key.locale)))
      return row ? { ...row, document: row.document as EntityDocument } : null
    }
  }
}

export type ContentRepository = ReturnType<typeof createContentRepository>
