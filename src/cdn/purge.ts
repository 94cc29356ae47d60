// Purging a CDN by surrogate key: which keys a release changed, and the authenticated PURGE request that
// drops exactly those objects (Varnish with vmod xkey reads them from the `xkey` header; see deploy/varnish).
import { TYPE_PLURALS, type EntityType } from '../../schema/common.js'
import type { AuditRecord } from '../repositories/records.js'

/** Answers whose content depends on which entities are live, whatever changed: purged on every release. */
export const RELEASE_WIDE_KEYS = ['list/releases', 'changes', 'search', 'lookup']

/**
 * The Surrogate-Keys a set of changes touches: each changed entity (its current, embed and included answers
 * carry its key), the list of its type, and the release-wide answers. Entities that did not change keep
 * their cached answers.
 */
export function purgeKeysOf (changes: Array<Pick<AuditRecord, 'type' | 'slug'>>): string[] {
  const keys = new Set<string>()
  for (const change of changes) {
    keys.add(`${change.type}/${change.slug}`)
    keys.add(`list/${TYPE_PLURALS[change.type as EntityType]}`)
  }
  if (keys.size === 0) return []
  for (const key of RELEASE_WIDE_KEYS) keys.add(key)
  return [...keys].sort()
}

export interface PurgeTarget {
  url: string
  token: string
  timeoutMs?: number
  attempts?: number
  sleep?: (ms: number) => Promise<void>
}

export interface PurgeOutcome { keys: string[], purged: boolean, attempts: number, status: number | null }

/** Sends the keys in batches small enough for one header line; retried with backoff, never thrown. */
export async function purgeKeys (target: PurgeTarget, keys: string[]): Promise<PurgeOutcome> {
  if (keys.length === 0) return { keys, purged: true, attempts: 0, status: null }
  const sleep = target.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const maxAttempts = target.attempts ?? 4
  let status: number | null = null
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      let allPurged = true
      for (const batch of batches(keys, 4000)) {
        const response = await fetch(target.url, {
          method: 'PURGE',
          headers: { xkey: batch.join(' '), authorization: `Bearer ${target.token}` },
          signal: AbortSignal.timeout(target.timeoutMs ?? 2000)
        })
        status = response.status
        await response.arrayBuffer()
        if (!response.ok) allPurged = false
      }
      // 401/403 will not heal by retrying: the token or the CDN's ACL is wrong.
      if (allPurged || status === 401 || status === 403) return { keys, purged: allPurged, attempts: attempt, status }
    } catch {
      status = null
    }
    if (attempt < maxAttempts) await sleep(100 * 2 ** (attempt - 1))
  }
  return { keys, purged: false, attempts: maxAttempts, status }
}

function batches (keys: string[], maxChars: number): string[][] {
  const result: string[][] = [[]]
  let length = 0
  for (const key of keys) {
    const current = result.at(-1) as string[]
    if (current.length > 0 && length + key.length + 1 > maxChars) {
      result.push([key])
      length = key.length
    } else {
      current.push(key)
      length += key.length + 1
    }
  }
  return result
}
