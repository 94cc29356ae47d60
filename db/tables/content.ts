// Entities, their immutable versions and drafts. A version row is never updated or deleted:
// a trigger in the migrations refuses it, so history cannot be lost even by a buggy caller.
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, unique } from 'drizzle-orm/pg-core'

export const entities = pgTable('entities', {
  id: serial().primaryKey(),
  type: text().notNull(),
  slug: text().notNull(),
  locale: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [unique('entities_type_slug_locale').on(table.type, table.slug, table.locale)])

export const entityVersions = pgTable('entity_versions', {
  id: serial().primaryKey(),
  entityId: integer().notNull().references(() => entities.id),
  version: integer().notNull(),
  /** `withdrawn` rows are tombstones: the entity left the published set in `releaseNumber`. */
  state: text().notNull().$type<'published' | 'withdrawn'>(),
  document: jsonb().$type<unknown>(),
  contentHash: text().notNull(),
  changeNote: text().notNull(),
  sourceFile: text().notNull(),
  releaseNumber: integer().notNull(),
  publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [unique('entity_versions_entity_version').on(table.entityId, table.version)])

export const entityDrafts = pgTable('entity_drafts', {
  entityId: integer().primaryKey().references(() => entities.id),
  document: jsonb().$type<unknown>().notNull(),
  contentHash: text().notNull(),
  sourceFile: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const versionCodes = pgTable('version_codes', {
  versionId: integer().notNull().references(() => entityVersions.id),
  system: text().notNull(),
  code: text().notNull(),
  display: text().notNull(),
  verified: boolean().notNull()
}, (table) => [primaryKey({ columns: [table.versionId, table.system, table.code] }), index('version_codes_lookup').on(table.system, table.code)])

export const versionLinks = pgTable('version_links', {
  versionId: integer().notNull().references(() => entityVersions.id),
  targetType: text().notNull(),
  targetSlug: text().notNull()
}, (table) => [primaryKey({ columns: [table.versionId, table.targetType, table.targetSlug] })])

export const versionSources = pgTable('version_sources', {
  versionId: integer().notNull().references(() => entityVersions.id),
  sourceId: text().notNull()
}, (table) => [primaryKey({ columns: [table.versionId, table.sourceId] })])
