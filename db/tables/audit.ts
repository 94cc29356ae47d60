// Append-only record of every published change; it doubles as the changes feed (its id is the cursor).
import { bigserial, boolean, integer, pgTable, text, timestamp, index } from 'drizzle-orm/pg-core'
import { entities } from './content.js'
import { releases } from './releases.js'

export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  releaseNumber: integer().notNull().references(() => releases.number),
  entityId: integer().notNull().references(() => entities.id),
  type: text().notNull(),
  slug: text().notNull(),
  locale: text().notNull(),
  action: text().notNull().$type<'created' | 'updated' | 'withdrawn'>(),
  version: integer().notNull(),
  hashBefore: text(),
  hashAfter: text().notNull(),
  sourceFile: text().notNull(),
  sourceCommit: text(),
  sourceDirty: boolean().notNull().default(false),
  sourceChangesHash: text(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [index('audit_log_entity').on(table.entityId)])
