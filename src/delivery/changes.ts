// One event of the changes feed as both doors show it: an audit row with the cursor that resumes after it.
import { TYPE_PLURALS, type EntityType } from '../../schema/common.js'
import type { AuditRecord } from '../repositories/records.js'
import { encodeChangeCursor } from './cursors.js'

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
