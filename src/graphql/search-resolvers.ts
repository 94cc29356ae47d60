// GraphQL `search` and `lookup`: adapters over the delivery layer's search and lookupCode, as GET /v1/search and
// GET /v1/lookup are. A hit or a code match can expand into the full entity (`entity`), rendered like every other
// node of its release.
import type { MercuriusContext } from 'mercurius'
import type { EntityType, Locale } from '../../schema/common.js'
import type { ReleaseSnapshot } from '../delivery/release-snapshot.js'
import { entityUrl, metaOf } from '../delivery/representation.js'
import { connectionOf, pinOf, policyOf, toNode } from './resolvers.js'
import { noteRead } from './http-cache.js'
import type { Pin } from './ids.js'

interface SearchArgs { q: string, type?: EntityType | null, locale?: Locale | null, first?: number | null, after?: string | null, release?: number | null }
interface LookupArgs { system: string, code: string, locale?: Locale | null, release?: number | null }
interface Located { type: EntityType, slug: string, locale: Locale, requestedLocale: Locale }

/** Hits and matches keep their snapshot and pin (not enumerable, like nodes) so `entity` resolves in the same release. */
function withSnapshot<T extends object> (value: T, snapshot: ReleaseSnapshot, pin: Pin): T {
  Object.defineProperty(value, 'pin', { value: pin, enumerable: false })
  return Object.defineProperty(value, 'snapshot', { value: snapshot, enumerable: false })
}

function entityOf (parent: Located & { snapshot?: ReleaseSnapshot, pin?: Pin }) {
  const resolved = parent.snapshot?.find(parent.type, parent.slug, parent.locale)
  return resolved && parent.snapshot ? toNode(parent.snapshot, resolved, parent.requestedLocale, parent.pin ?? null) : null
}

export function createSearchResolvers () {
  return {
    Query: {
      search: async (_root: unknown, args: SearchArgs, context: MercuriusContext) => {
        const locale = args.locale ?? 'en'
        const page = await context.app.delivery.search({ q: args.q, type: args.type, locale, release: args.release, limit: args.first, after: args.after })
        const pin = pinOf(context, page)
        noteRead(context, policyOf(pin), ['search', ...page.items.map((hit) => `${hit.type}/${hit.slug}`)])
        const nodes = page.items.map((hit) => withSnapshot({ ...hit, url: entityUrl(hit.type, hit.slug), requestedLocale: locale }, page.snapshot, pin))
        return { ...connectionOf(page, nodes), totalCount: page.total, release: page.snapshot.release.number, meta: metaOf(page.snapshot, locale, false) }
      },

      lookup: async (_root: unknown, args: LookupArgs, context: MercuriusContext) => {
        const locale = args.locale ?? 'en'
        const answer = await context.app.delivery.lookupCode({ system: args.system, code: args.code, locale, release: args.release }).catch((error: unknown) => {
          // Like condition(slug:) for an unknown slug: nothing carries the code → null, not an error.
          if ((error as { code?: string }).code === 'KCA_ERR_NOT_FOUND') return null
          throw error
        })
        if (answer === null) {
          noteRead(context, args.release === null || args.release === undefined ? 'current' : 'immutable', ['lookup'])
          return null
        }
        const pin = pinOf(context, answer)
        noteRead(context, policyOf(pin), ['lookup', ...answer.matches.map((match) => `${match.type}/${match.slug}`)])
        return {
          system: answer.system,
          code: answer.code,
          release: answer.snapshot.release.number,
          meta: metaOf(answer.snapshot, locale, answer.matches.some((match) => match.localeFallback)),
          matches: answer.matches.map((match) => withSnapshot({ ...match, url: entityUrl(match.type, match.slug), requestedLocale: locale }, answer.snapshot, pin))
        }
      }
    },
    SearchHit: { entity: entityOf },
    CodeMatch: { entity: entityOf }
  }
}
