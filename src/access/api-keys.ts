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
