// Finding content: full-text search (PostgreSQL, English or Spanish stemming, ranked, highlighted) and lookup by
// medical code (ICD-10-CM, SNOMED CT, MeSH, RxNorm; short names or FHIR system URIs). Both read one release:
// the current one, or the one pinned with `release=`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CursorSchema, EntityTypeSchema, LocaleSchema, PageSizeSchema, SEARCH_QUERY_MAX_LENGTH, SlugSchema, StringEnum } from '../../../schema/common.js'
import { MetaSchema, PageProperties, ProblemSchema } from '../../../schema/api.js'
import { entityUrl, metaOf } from '../../delivery/representation.js'
import { negotiateLocale } from '../../delivery/locale.js'
import { CODE_SYSTEM_NAMES, SPECIFICITIES } from '../../delivery/code-lookup.js'
import { setFreshness } from '../../plugins/app/freshness.js'

// 401: a key that is sent must be valid; 429: rate limits apply to every route; 503: no release yet, or overloaded.
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema, 503: ProblemSchema }
const ReleaseQuerySchema = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'read as of this release (default: the current one)' })

export const SearchHitSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  locale: LocaleSchema,
  title: Type.String(),
  summary: Type.String(),
  url: Type.String({ description: 'path of the entity in this API' }),
  rank: Type.Number({ description: 'relevance (ts_rank_cd); higher is better; comparable only within one answer' }),
  snippet: Type.String({
    description: 'HTML: the passages that match, with every character of the content escaped; the only tags are <mark> and </mark> ' +
      'around matched words, so it can be inserted as HTML as it is'
  })
})

export const SearchResponseSchema = Type.Object({
  items: Type.Array(SearchHitSchema),
  total: Type.Integer({ minimum: 0, description: 'number of matches in the release (GraphQL totalCount)' }),
  ...PageProperties,
  meta: MetaSchema
})

export const CodeMatchSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  locale: LocaleSchema,
  title: Type.String(),
  url: Type.String({ description: 'path of the entity in this API' }),
  matchedCode: Type.String({ description: 'the code or range as the entity lists it, e.g. F31.30-F31.32' }),
  display: Type.String(),
  verified: Type.Boolean({ description: 'true only when the listed code was checked against the official code list' }),
  specificity: StringEnum(SPECIFICITIES, { description: 'exact: the entity lists this code; range: a range that contains it; category: a broader code it falls under' })
})

export const CodeLookupSchema = Type.Object({
  system: StringEnum(['icd10cm', 'snomedct', 'mesh', 'rxnorm'] as const),
  code: Type.String({ description: 'the code as normalized (ICD-10-CM with its dot, upper case)' }),
  matches: Type.Array(CodeMatchSchema, { minItems: 1, description: 'most specific first' }),
  meta: MetaSchema
})

const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/search', {
    config: { responseCache: true },
    schema: {
      summary: 'Search the content',
      operationId: 'search',
      description: 'Full-text search of titles (and other names), summaries and sections in one language: English or Spanish, with ' +
        'stemming (dissociation finds dissociative). `q` reads like a web search: words are all required, "quoted phrases", `or`, ' +
        'and `-word` to exclude. Results are ranked (title over summary over body), cover the published entities of one release ' +
        '(never drafts) and carry an HTML snippet in which only <mark> tags appear.',
      tags: ['search'],
      querystring: Type.Object({
        q: Type.String({ minLength: 1, maxLength: SEARCH_QUERY_MAX_LENGTH, description: 'what to look for', examples: ['dissociation', '"blood pressure" -dissociation'] }),
        type: Type.Optional(EntityTypeSchema),
        locale: Type.Optional(LocaleSchema),
        release: Type.Optional(ReleaseQuerySchema),
        limit: PageSizeSchema('search'),
        after: Type.Optional(CursorSchema)
      }, { additionalProperties: false }),
      response: { 200: SearchResponseSchema, ...problems }
    }
  }, async (request, reply) => {
    const { q, type, release, limit, after } = request.query
    const locale = negotiateLocale(request.query.locale, request.headers['accept-language'])
    const page = await app.delivery.search({ q, type, locale, release, limit, after })
    reply.header('content-language', locale)
    reply.header('vary', 'accept-language')
    setFreshness(reply, {
      policy: page.pinned ? 'immutable' : 'current',
      keys: ['search', ...page.items.map((hit) => `${hit.type}/${hit.slug}`)],
      lastModified: page.snapshot.release.createdAt
    })
    return {
      items: page.items.map((hit) => ({ ...hit, url: entityUrl(hit.type, hit.slug) })),
      total: page.total,
      nextCursor: page.nextCursor,
      hasMore: page.hasMore,
      meta: metaOf(page.snapshot, locale, false)
    }
  })

  app.get('/lookup', {
    config: { responseCache: true },
    schema: {
      summary: 'Find content by medical code',
      operationId: 'lookupCode',
      description: 'The entities that carry a code, most specific first. `system` is a short name (icd10cm, snomedct, mesh, rxnorm), a FHIR ' +
        'system URI (http://hl7.org/fhir/sid/icd-10-cm, http://snomed.info/sct, http://www.nlm.nih.gov/research/umls/rxnorm) or an HL7 OID ' +
        '(urn:oid:2.16.840.1.113883.6.177 for MeSH). ICD-10-CM codes may be written without the dot or in lower case, and match the ' +
        'entity whose code or range contains them: exact, then the narrowest range, then a broader category (F43.12 finds PTSD). ' +
        '404 when nothing in the release carries the code.',
      tags: ['search'],
      querystring: Type.Object({
        system: Type.String({ minLength: 1, maxLength: 200, description: `code system: ${Object.keys(CODE_SYSTEM_NAMES).join(', ')}`, examples: ['icd10cm'] }),
        code: Type.String({ minLength: 1, maxLength: 40, description: 'the code, e.g. F43.12 (or F4312), 47505003, D013313', examples: ['F43.12'] }),
        locale: Type.Optional(LocaleSchema),
        release: Type.Optional(ReleaseQuerySchema)
      }, { additionalProperties: false }),
      response: { 200: CodeLookupSchema, ...problems }
    }
  }, async (request, reply) => {
    const { system, code, release } = request.query
    const locale = negotiateLocale(request.query.locale, request.headers['accept-language'])
    const answer = await app.delivery.lookupCode({ system, code, locale, release })
    const fallback = answer.matches.some((match) => match.localeFallback)
    reply.header('content-language', fallback ? `${locale}, en` : locale)
    reply.header('vary', 'accept-language')
    setFreshness(reply, {
      policy: answer.pinned ? 'immutable' : 'current',
      keys: ['lookup', ...answer.matches.map((match) => `${match.type}/${match.slug}`)],
      lastModified: answer.snapshot.release.createdAt
    })
    return {
      system: answer.system,
      code: answer.code,
      matches: answer.matches.map(({ localeFallback: _fallback, ...match }) => ({ ...match, url: entityUrl(match.type, match.slug) })),
      meta: metaOf(answer.snapshot, locale, fallback)
    }
  })
}

export default searchRoutes
