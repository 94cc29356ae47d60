// The current text of each citation; versions embed the copy they were published with.
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const sources = pgTable('sources', {
  id: text().primaryKey(),
  data: jsonb().$type<unknown>().notNull(),
  contentHash: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})
