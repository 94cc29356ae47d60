// The changes feed: audit rows in publish order, each with an opaque cursor that resumes after it.
import { TYPE_PLURALS, type EntityType } from '../../schema/common.js'
import type { AuditRecord, ContentRepository, VersionRecord } from '../repositories/content-repository.js'
import { BadRequestError } from '../errors.js'

const PREFIX = 'kca-changes:'

/** Events per page; a page that carries representations is kept smaller (each can be tens of kilobytes). */
export const FEED_LIMIT_MAX = 500
export const FEED_ENTITY_LIMIT_MAX = 100

export function encodeChangeCursor (auditId: number): string {
  return Buffer.from(`${PREFIX}${auditId}`).toString('base64url')
}

/** `0` (or nothing) means "from the beginning"; anything else must be a cursor this API issued. */
export function decodeChangeCursor (cursor: string | undefined): number {
  if (cursor === undefined || cursor === '0') return 0
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const match = /^kca-changes:(\d{1,15})$/.exec(text)
  if (!match) throw new BadRequestError('since: not a cursor from this feed; start with since=0')
  return Number(match[1])
}

export function changeEvent (record: AuditRecord) {
  const plural = TYPE_PLURALS[record.type as EntityType]
  return {
    cursor: encodeChangeCursor(record.id),
    action: record.action,
    type: record.type as EntityType,
    slug: record.slug,
    locale: record.locale as 'en' | 'es',
    version: record.version,
    release: record.releaseNumber,
    contentHash: record.hashAfter,
    at: record.at.toISOString(),
    url: `/v1/${plural}/${record.slug}/versions/${record.version}?locale=${record.locale}`
  }
}

/** The versions a page of events announces, in one statement; keyed `entityId#version`. */
export async function versionsOfEvents (repository: ContentRepository, events: AuditRecord[]): Promise<Map<string, VersionRecord>> {
  return await repository.findVersionsOf(events.filter((event) => event.action !== 'withdrawn').map((event) => ({ entityId: event.entityId, version: event.version })))
}
