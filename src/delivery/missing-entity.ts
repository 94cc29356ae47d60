// Why an entity is not in a release: withdrawn by (or before) it — 410 with the tombstone — or never there — 404.
import type { EntityType, Locale } from '../../schema/common.js'
import { GoneError, NotFoundError } from '../errors.js'
import type { ContentRepository } from '../repositories/content-repository.js'
import type { ReleaseSnapshot } from './release-snapshot.js'
import { entityUrl } from './representation.js'

export async function missingEntityError (repository: ContentRepository, snapshot: ReleaseSnapshot, type: EntityType, slug: string, locale: Locale, pinned: boolean): Promise<Error> {
  const history = (await repository.listVersions({ type, slug, locale: 'en' }))
    .filter((version) => version.releaseNumber <= snapshot.release.number)
  const last = history.at(-1)
  if (last?.state !== 'withdrawn') return new NotFoundError(`no ${type} with slug "${slug}"${pinned ? ` in release ${snapshot.release.number}` : ''}`)
  return Object.assign(new GoneError(`${type} "${slug}" was withdrawn in release ${last.releaseNumber}`), {
    tombstone: {
      type,
      slug,
      locale,
      withdrawnAt: last.publishedAt.toISOString(),
      release: last.releaseNumber,
      version: last.version,
      changeNote: last.changeNote,
      versions: `${entityUrl(type, slug)}/versions`
    }
  })
}
