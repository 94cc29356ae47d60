// API keys and webhook endpoints: creation, lookup, revocation and the delivery log.
import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/client.js'
import { apiKeys, webhookDeliveries, webhookEndpoints } from '../../db/tables/index.js'

export interface ApiKeyRecord { id: number, name: string, prefix: string, keyHash: string, scopes: string[], createdAt: Date, revokedAt: Date | null }
export interface WebhookEndpointRecord { id: number, url: string, secret: string, active: boolean, createdAt: Date }
export interface WebhookDeliveryRecord {
  id: number,
  endpointId: number,
  releaseNumber: number,
  attempt: number,
  succeeded: boolean,
  statusCode: number | null,
  error: string | null,
  durationMs: number,
  at: Date
}

export function createAccessRepository (db: Db) {
  return {
    async insertKey (values: { name: string, prefix: string, keyHash: string, scopes: string[] }, tx: DbOrTx = db): Promise<ApiKeyRecord> {
      const [row] = await tx.insert(apiKeys).values(values).returning()
      return row as ApiKeyRecord
    },
    async findKeyByPrefix (prefix: string, tx: DbOrTx = db): Promise<ApiKeyRecord | null> {
      const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.prefix, prefix))
      return (row as ApiKeyRecord | undefined) ?? null
    },
    async listKeys (tx: DbOrTx = db): Promise<ApiKeyRecord[]> {
      return await tx.select().from(apiKeys).orderBy(asc(apiKeys.id)) as ApiKeyRecord[]
    },
    async revokeKey (prefix: string, tx: DbOrTx = db): Promise<boolean> {
      const rows = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
      return rows.length > 0
    },
    async insertEndpoint (values: { url: string, secret: string }, tx: DbOrTx = db): Promise<WebhookEndpointRecord> {
      const [row] = await tx.insert(webhookEndpoints).values(values).returning()
      return row as WebhookEndpointRecord
    },
    async listEndpoints (options: { activeOnly: boolean }, tx: DbOrTx = db): Promise<WebhookEndpointRecord[]> {
      return await tx.select().from(webhookEndpoints)
        .where(options.activeOnly ? eq(webhookEndpoints.active, true) : undefined).orderBy(asc(webhookEndpoints.id))
    },
    async deactivateEndpoint (id: number, tx: DbOrTx = db): Promise<boolean> {
      const rows = await tx.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id })
      return rows.length > 0
    },
    async recordDelivery (values: Omit<WebhookDeliveryRecord, 'id' | 'at'>, tx: DbOrTx = db): Promise<void> {
      await tx.insert(webhookDeliveries).values(values)
    },
    async listDeliveries (endpointId: number, tx: DbOrTx = db): Promise<WebhookDeliveryRecord[]> {
      return await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))
        .orderBy(desc(webhookDeliveries.releaseNumber), asc(webhookDeliveries.attempt)) as WebhookDeliveryRecord[]
    }
  }
}

export type AccessRepository = ReturnType<typeof createAccessRepository>
