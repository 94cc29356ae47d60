// Announces a release to every registered partner endpoint: a JSON body signed with HMAC-SHA256 over
// "<timestamp>.<body>", retried with exponential backoff, every attempt recorded in the delivery log.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { createAccessRepository, type WebhookEndpointRecord } from '../repositories/access-repository.js'
import { createContentRepository } from '../repositories/content-repository.js'
import { changeEvent } from '../delivery/changes.js'

export const SIGNATURE_HEADER = 'x-kca-signature'

export interface DeliveryOptions {
  maxAttempts?: number
  /** Delay before retry n is baseDelayMs × 2^(n-1). */
  baseDelayMs?: number
  timeoutMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export function signPayload (secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** What a partner runs to check a delivery: the signature matches and is recent (replays are refused). */
export function verifySignature (secret: string, header: string, body: string, options: { toleranceSeconds?: number, now?: number } = {}): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]))
  const timestamp = Number(parts.t)
  if (!Number.isInteger(timestamp) || !parts.v1) return false
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false
  const expected = Buffer.from(signPayload(secret, timestamp, body).split('v1=')[1] as string, 'hex')
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export async function announceRelease (db: Db, releaseNumber: number, options: DeliveryOptions = {}): Promise<Array<{ endpointId: number, delivered: boolean, attempts: number }>> {
  const access = createAccessRepository(db)
  const content = createContentRepository(db)
  const release = await content.findRelease(releaseNumber)
  if (!release) return []
  const endpoints = await access.listEndpoints({ activeOnly: true })
  if (endpoints.length === 0) return []
  const body = JSON.stringify({
    event: 'release.published',
    release: {
      number: release.number,
      changeNote: release.changeNote,
      createdAt: release.createdAt.toISOString(),
      entityCount: release.entityCount,
      stats: release.stats,
      url: `/v1/releases/${release.number}`
    },
    changes: (await content.auditOfRelease(release.number)).map(changeEvent)
  })
  return Promise.all(endpoints.map((endpoint) => deliver(access, endpoint, release.number, body, options)))
}

async function deliver (
  access: ReturnType<typeof createAccessRepository>, endpoint: WebhookEndpointRecord, releaseNumber: number, body: string, options: DeliveryOptions
) {
  const maxAttempts = options.maxAttempts ?? 5
  const baseDelayMs = options.baseDelayMs ?? 1000
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const now = options.now ?? Date.now
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2))
    const started = now()
    const timestamp = Math.floor(started / 1000)
    let statusCode: number | null = null
    let error: string | null = null
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kca-event': 'release.published',
          'x-kca-delivery': `${endpoint.id}-${releaseNumber}`,
          [SIGNATURE_HEADER]: signPayload(endpoint.secret, timestamp, body)
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        redirect: 'error'
      })
      statusCode = response.status
      await response.body?.cancel()
      if (!response.ok) error = `answered ${response.status}`
    } catch (failure) {
      error = (failure as Error).name === 'TimeoutError' ? 'timed out' : (failure as Error).message.slice(0, 300)
    }
    const succeeded = error === null
    await access.recordDelivery({ endpointId: endpoint.id, releaseNumber, attempt, succeeded, statusCode, error, durationMs: Math.round(now() - started) })
    if (succeeded) return { endpointId: endpoint.id, delivered: true, attempts: attempt }
  }
  return { endpointId: endpoint.id, delivered: false, attempts: maxAttempts }
}
