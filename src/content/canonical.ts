// Canonical JSON (RFC 8785, JCS) and the content hash derived from it: the same content always hashes the
// same, whatever the key order or whitespace of the files it came from.
import { createHash } from 'node:crypto'

export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity')
    // JSON.stringify already gives RFC 8785 output for strings, booleans and finite numbers.
    return JSON.stringify(value) ?? 'null'
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    // JCS orders keys by UTF-16 code units, which is what plain string comparison does.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
}

export function sha256Hex (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export function contentHash (value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`
}
