// Recomputes every stored content hash and checks the audit chain: names any row that does not match what
// its document says, so tampering below the triggers (or a bug) cannot go unnoticed.
import type { Db } from '../../db/client.js'
import { createContentRepository } from '../repositories/content-repository.js'
import { entityKeyString } from '../repositories/records.js'
import { contentHash } from './canonical.js'

export interface IntegrityProblem { versionId?: number, auditId?: number, entity: string, version: number, problem: string }

export function tombstoneHash (key: string, previousHash: string): string {
  return contentHash({ withdrawn: key, after: previousHash })
}

export async function verifyContent (db: Db): Promise<{ checked: number, problems: IntegrityProblem[] }> {
  const repository = createContentRepository(db)
  const versions = await repository.allVersions()
  const problems: IntegrityProblem[] = []
  const previousHash = new Map<number, string>()
  const hashOf = new Map<string, string>()
  for (const version of versions) {
    const entity = entityKeyString(version)
    const expected = version.state === 'withdrawn'
      ? tombstoneHash(entity, previousHash.get(version.entityId) ?? '')
      : contentHash(version.document)
    if (expected !== version.contentHash) {
      problems.push({ versionId: version.versionId, entity, version: version.version, problem: `stored hash ${version.contentHash} but the document hashes to ${expected}` })
    }
    previousHash.set(version.entityId, version.contentHash)
    hashOf.set(`${entity}#${version.version}`, version.contentHash)
  }
  const audit = await repository.listAudit({ after: 0, limit: Number.MAX_SAFE_INTEGER })
  for (const row of audit) {
    const entity = `${row.type}/${row.slug}/${row.locale}`
    const stored = hashOf.get(`${entity}#${row.version}`)
    if (stored !== row.hashAfter) problems.push({ auditId: row.id, entity, version: row.version, problem: `audit says ${row.hashAfter}, the version holds ${stored ?? 'nothing'}` })
    const before = row.version > 1 ? hashOf.get(`${entity}#${row.version - 1}`) ?? null : null
    if ((row.hashBefore ?? null) !== (row.action === 'created' ? null : before)) {
      problems.push({ auditId: row.id, entity, version: row.version, problem: `audit chain broken: hashBefore ${row.hashBefore} does not match version ${row.version - 1}` })
    }
  }
  return { checked: versions.length, problems }
}
