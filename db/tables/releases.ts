// A release is an immutable snapshot: which version of every live entity was published together.
import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, index } from 'drizzle-orm/pg-core'
import { entities, entityVersions } from './content.js'

export const releases = pgTable('releases', {
  number: integer().primaryKey(),
  changeNote: text().notNull(),
  sourceCommit: text(),
  // The content directory had uncommitted changes: the commit alone does not say what was published.
  sourceDirty: boolean().notNull().default(false),
  /** sha256 over the changed files (path and content) when sourceDirty; null for a clean tree. */
  sourceChangesHash: text(),
  manifestHash: text().notNull(),
  entityCount: integer().notNull(),
  stats: jsonb().$type<{ created: number, updated: number, withdrawn: number }>().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const releaseEntries = pgTable('release_entries', {
  releaseNumber: integer().notNull().references(() => releases.number),
  entityId: integer().notNull().references(() => entities.id),
  versionId: integer().notNull().references(() => entityVersions.id)
}, (table) => [primaryKey({ columns: [table.releaseNumber, table.entityId] }), index('release_entries_version').on(table.versionId)])
