// Every cursor the API issues, for both doors: REST `after=` and GraphQL `after:` take the same tokens, and a
// `nextCursor` from one door resumes the same list through the other. Each cursor names the list it belongs to
// (its sort, filters, query or feed), so one reused elsewhere is refused instead of skipping or repeating items.
import { createHash } from 'node:crypto'
import type { EntityType, Locale } from '../../schema/common.js'
import { InvalidCursorError } from '../errors.js'

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function decode (cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
  } catch {
    return null
  }
}

// ——— Entity lists: keyset over (sort key, slug) ———

export interface ListPosition { context: string, key: string, slug: string }

export function encodeListCursor (position: ListPosition): string {
  return encode([1, position.context, position.key, position.slug])
}

export function decodeListCursor (cursor: string, context: string): ListPosition {
  const value = decode(cursor)
  if (Array.isArray(value) && value.length === 4 && value[0] === 1 && value[1] === context && typeof value[2] === 'string' && typeof value[3] === 'string') {
    return { context, key: value[2], slug: value[3] }
  }
  throw new InvalidCursorError()
}

// ——— Search: the release searched and an offset, bound to the query ———

export interface SearchCursorContext { q: string, locale: Locale, type?: EntityType | undefined }
export interface SearchPosition { release: number, offset: number }

function searchDigest (context: SearchCursorContext): string {
  return createHash('sha256').update(JSON.stringify([context.q, context.locale, context.type ?? null])).digest('base64url').slice(0, 16)
}

/** Later pages read the release the first one did, so a page can never change under a client. */
export function encodeSearchCursor (context: SearchCursorContext, position: SearchPosition): string {
  return encode([1, position.release, position.offset, searchDigest(context)])
}

export function decodeSearchCursor (cursor: string, context: SearchCursorContext): SearchPosition {
  const value = decode(cursor)
  if (Array.isArray(value) && value.length === 4 && value[0] === 1 && Number.isSafeInteger(value[1]) && value[1] >= 1 &&
    Number.isSafeInteger(value[2]) && value[2] >= 0 && value[3] === searchDigest(context)) {
    return { release: value[1] as number, offset: value[2] as number }
  }
  throw new InvalidCursorError()
}

// ——— The changes feed: the audit row an event came from ———

const CHANGES_PREFIX = 'kca-changes:'

export function encodeChangeCursor (auditId: number): string {
  return Buffer.from(`${CHANGES_PREFIX}${auditId}`).toString('base64url')
}

/** `0` (or nothing) is the beginning of the feed; anything else must be a cursor the feed issued. */
export function decodeChangeCursor (cursor: string | undefined | null): number {
  if (cursor === undefined || cursor === null || cursor === '0') return 0
  const match = /^kca-changes:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new InvalidCursorError()
  return Number(match[1])
}

// ——— Releases, newest first: the number of the last release seen ———

const RELEASES_PREFIX = 'kca-releases:'

export function encodeReleaseCursor (number: number): string {
  return Buffer.from(`${RELEASES_PREFIX}${number}`).toString('base64url')
}

export function decodeReleaseCursor (cursor: string | undefined | null): number | undefined {
  if (cursor === undefined || cursor === null) return undefined
  const match = /^kca-releases:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new InvalidCursorError()
  return Number(match[1])
}
