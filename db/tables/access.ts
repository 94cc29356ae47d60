// Partner API keys (only a hash is stored) and webhook endpoints with their delivery log.
import { bigserial, boolean, integer, jsonb, pgTable, serial, text, timestamp, index } from 'drizzle-orm/pg-core'
import { releases } from './releases.js'

export const apiKeys = pgTable('api_keys', {
  id: serial().primaryKey(),
  name: text().notNull(),
  /** Public, non-secret part shown in listings so a key can be identified without revealing it. */
  prefix: text().notNull().unique(),
  /** sha256 of the whole key; keys are 256-bit random, so a fast hash is enough. */
  keyHash: text().notNull().unique(),
  scopes: jsonb().$type<string[]>().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp({ withTimezone: true })
})

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: serial().primaryKey(),
  url: text().notNull(),
  /** HMAC secret: kept in clear because signing needs it; shown once when the endpoint is added. */
  secret: text().notNull(),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  endpointId: integer().notNull().references(() => webhookEndpoints.id),
  releaseNumber: integer().notNull().references(() => releases.number),
  attempt: integer().notNull(),
  succeeded: boolean().notNull(),
  statusCode: integer(),
  error: text(),
  durationMs: integer().notNull(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [index('webhook_deliveries_endpoint').on(table.endpointId, table.releaseNumber)])
