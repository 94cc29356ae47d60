// Version history in the locale a read would serve: the requested one when the entity has a history there,
// else the English one (as reads fall back). Version numbers count per locale, so there is no fallback by number.
import type { EntityType, Locale } from '../../schema/common.js'
import type { ContentRepository } from '../repositories/content-repository.js'
import type { VersionRecord } from '../repositories/records.js'

export async function historyIn (repository: ContentRepository, type: EntityType, slug: string, locale: Locale): Promise<{ locale: Locale, versions: VersionRecord[] }> {
  const versions = await repository.listVersions({ type, slug, locale })
  if (versions.length > 0 || locale === 'en') return { locale, versions }
  return { locale: 'en', versions: await repository.listVersions({ type, slug, locale: 'en' }) }
}
