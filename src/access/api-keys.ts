// Partner API keys: `kca_<prefix>_<secret>`. Only a sha256 of the key is stored; a presented key is found by
// its public prefix and compared by hash in constant time, so timing says nothing about how much matched.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AccessRepository } from '../repositories/access-repository.js'

export const API_KEY_SCOPES = ['read', 'preview'] as const
export type ApiKeyScope = typeof API_KEY_SCOPES[number]

export interface VerifiedKey { id: number, name: string, prefix: string, scopes: ApiKeyScope[] }

const KEY_PATTERN = /^kca_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{43})$/

export function hashKey (key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function generateKey (): { key: string, prefix: string, keyHash: string } {
  const prefix = randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 10).padEnd(10, '0')
  const key = `kca_${prefix}_${randomBytes(32).toString('base64url')}`
  return { key, prefix, keyHash: hashKey(key) }
}

export async function createApiKey (repository: AccessRepository, name: string, scopes: ApiKeyScope[]): Promise<{ key: string, prefix: string }> {
  const { key, prefix, keyHash } = generateKey()
  await repository.insertKey({ name, prefix, keyHash, scopes })
  return { key, prefix }
}

export async function verifyApiKey (repository: AccessRepository, presented: string): Promise<VerifiedKey | null> {
  const match = KEY_PATTERN.exec(presented)
  if (!match) return null
  const record = await repository.findKeyByPrefix(match[1] as string)
  const expected = Buffer.from(record?.keyHash ?? hashKey('kca_no_such_key'), 'hex')
  const equal = timingSafeEqual(expected, Buffer.from(hashKey(presented), 'hex'))
  if (!record || !equal || record.revokedAt) return null
  return { id: record.id, name: record.name, prefix: record.prefix, scopes: record.scopes.filter((scope): scope is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(scope)) }
}

export interface KeyVerifierOptions {
  /** How long a verdict (valid or not) is believed without asking the database. */
  ttlMs: number
  /** How long a verified key keeps working from memory while the database cannot be asked. */
  staleMs?: number
  /** Bound on each of the two verdict maps; the oldest verdicts go first. */
  maxEntries?: number
  now?: () => number
}

export interface KeyVerifier {
  /**
   * What memory says about a presented key, never touching the database: the rate limiter runs on this, so a
   * flood of made-up keys is limited before it costs a query. `unknown` keys are limited like anonymous clients.
   */
  peek: (presented: string) => { verdict: 'valid', key: VerifiedKey } | { verdict: 'invalid' | 'unknown' }
  /** The verdict, asking the database at most once per key and TTL (concurrent callers share one lookup). */
  verify: (presented: string) => Promise<VerifiedKey | null>
}

/**
 * A short-TTL cache in front of verifyApiKey, keyed by the key's sha256 (the raw key is not kept). Both verdicts
 * are cached: rejecting a made-up key again costs no query. When the database fails, a key verified before
 * (within staleMs) keeps working; a key never seen fails as before.
 */
export function createKeyVerifier (repository: AccessRepository, options: KeyVerifierOptions): KeyVerifier {
  const now = options.now ?? Date.now
  const staleMs = options.staleMs ?? 24 * 60 * 60_000
  const maxEntries = options.maxEntries ?? 10_000
  // Separate maps so a flood of invalid keys can never evict the partners' verified ones.
  const valid = new Map<string, { key: VerifiedKey, at: number }>()
  const invalid = new Map<string, number>()
  const pending = new Map<string, Promise<VerifiedKey | null>>()

  const remember = <V>(map: Map<string, V>, hash: string, value: V) => {
    map.delete(hash)
    map.set(hash, value)
    if (map.size > maxEntries) map.delete(map.keys().next().value as string)
  }

  const lookup = async (presented: string, hash: string): Promise<VerifiedKey | null> => {
    let verified: VerifiedKey | null
    try {
      verified = await verifyApiKey(repository, presented)
    } catch (error) {
      const known = valid.get(hash)
      if (known && now() - known.at <= staleMs) return known.key
      throw error
    }
    if (verified) {
      invalid.delete(hash)
      remember(valid, hash, { key: verified, at: now() })
    } else {
      valid.delete(hash)
      remember(invalid, hash, now())
    }
    return verified
  }

  return {
    peek (presented) {
      if (!KEY_PATTERN.test(presented)) return { verdict: 'invalid' }
      const hash = hashKey(presented)
      const known = valid.get(hash)
      // A verified key past its TTL still names its client for limiting; verify() asks the database again.
      if (known && now() - known.at <= staleMs) return { verdict: 'valid', key: known.key }
      const rejectedAt = invalid.get(hash)
      if (rejectedAt !== undefined && now() - rejectedAt <= options.ttlMs) return { verdict: 'invalid' }
      return { verdict: 'unknown' }
    },
    async verify (presented) {
      if (!KEY_PATTERN.test(presented)) return null
      const hash = hashKey(presented)
      const time = now()
      const known = valid.get(hash)
      if (known && time - known.at <= options.ttlMs) return known.key
      const rejectedAt = invalid.get(hash)
      if (rejectedAt !== undefined && time - rejectedAt <= options.ttlMs) return null
      let inFlight = pending.get(hash)
      if (!inFlight) {
        inFlight = lookup(presented, hash).finally(() => pending.delete(hash))
        pending.set(hash, inFlight)
      }
      return await inFlight
    }
  }
}
