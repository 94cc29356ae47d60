// REST reads of topics, conditions, risks and mechanisms: one route module serves all four types, since
// they differ only in their filters and schemas.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { ENTITY_TYPES, LocaleSchema, StringEnum, TYPE_PLURALS, type EntityType, type Locale } from '../../../schema/common.js'
import {
  CommonReadQuerySchema, ListFilterSchemas, ListQueryBaseSchema, ProblemSchema, SlugParamsSchema, VersionDiffSchema, VersionListSchema,
  entityResponseSchema, listResponseSchema
} from '../../../schema/api.js'
import {
  LIST_OMITTED_FIELDS, entityMetaOf, versionSummary, listFieldSet, metaOf, parseFieldList, parseIncludeList, renderEntity
} from '../../delivery/representation.js'
import type { ReleaseSnapshot, ResolvedEntity } from '../../delivery/release-snapshot.js'
import { renderHtmlFragment } from '../../delivery/html.js'
import { renderJsonLd } from '../../delivery/jsonld.js'
import { FORMATS, negotiateFormat, type Format } from '../../delivery/format.js'
import { negotiateLocale } from '../../delivery/locale.js'
import { BadRequestError } from '../../errors.js'
import { setFreshness } from '../../plugins/app/freshness.js'
import { requireScope } from '../../plugins/app/auth.js'
import { sendEntityJson } from './entity-json.js'

// Statuses each route answers on its own; 401, 429 and 503 apply to every route and are added with the
// OpenAPI document (src/plugins/external/openapi.ts).
const listProblems = { 400: ProblemSchema, 404: ProblemSchema }
const entityProblems = { 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema }
const historyProblems = { 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema }
const VersionParamsSchema = Type.Object({ slug: SlugParamsSchema.properties.slug, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false })
const LocaleQuerySchema = Type.Object({ locale: Type.Optional(LocaleSchema) }, { additionalProperties: false })
const FormatQuerySchema = Type.Optional(StringEnum(FORMATS, { description: 'json (default); html: a sanitized HTML fragment with kca- classes; jsonld: schema.org MedicalWebPage. Also chosen by Accept: text/html or application/ld+json' }))

const entityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const type of ENTITY_TYPES) registerType(app, type)
}

/** Keys naming every entity in an answer, for CDN purges: the entity, its links and anything included. */
function surrogateKeys (snapshot: ReleaseSnapshot, document: { type: EntityType, slug: string }, include: string[]): string[] {
  const keys = [`${document.type}/${document.slug}`]
  if (include.length > 0) keys.push(...snapshot.related(document.type, document.slug).map((link) => `${link.type}/${link.slug}`))
  return keys
}

function registerType (app: Parameters<FastifyPluginAsyncTypebox>[0], type: EntityType) {
  const plural = TYPE_PLURALS[type]
  const tags = [plural]
  // Operation ids: getCondition, listConditions, listConditionVersions …
  const Type_ = `${type[0]?.toUpperCase()}${type.slice(1)}`
  const Plural_ = `${plural[0]?.toUpperCase()}${plural.slice(1)}`
  const EntityResponse = entityResponseSchema(type)
  const ListResponse = listResponseSchema(type)

  app.get(`/${plural}`, {
    config: { responseCache: true },
    schema: {
      summary: `List ${plural}`,
      operationId: `list${Plural_}`,
      description: `Published ${plural} in the current (or a pinned) release, ordered and paginated with an opaque cursor. ` +
        `Items leave out the long fields (${LIST_OMITTED_FIELDS.join(', ')}) unless \`fields=\` names them.`,
      tags,
      querystring: Type.Object({ ...ListQueryBaseSchema, ...ListFilterSchemas[type] }, { additionalProperties: false }),
      response: { 200: ListResponse, ...listProblems }
    }
  }, async (request, reply) => {
    const { locale: requested, release, fields, include, limit, after, sort, ...filters } = request.query as Record<string, unknown> & typeof request.query
    const locale = negotiateLocale(requested, request.headers['accept-language'])
    const fieldSet = listFieldSet(type, fields)
    const includes = parseIncludeList(include)
    const page = await app.delivery.listEntities({ type, locale, release, limit, after, sort, filters: filters as Record<string, string | undefined> })
    const { snapshot } = page
    const fallback = page.items.some((item) => item.fallback)
    reply.header('content-language', fallback ? `${locale}, en` : locale)
    reply.header('vary', 'accept-language')
    setFreshness(reply, {
      policy: page.pinned ? 'immutable' : 'current',
      keys: [`list/${plural}`, ...page.items.flatMap((item) => surrogateKeys(snapshot, item.entity.document, includes))],
      lastModified: snapshot.release.createdAt
    })
    return {
      items: page.items.map((item) => renderEntity(snapshot, item, { fields: fieldSet, include: includes, locale })),
      nextCursor: page.nextCursor,
      hasMore: page.hasMore,
      meta: metaOf(snapshot, locale, fallback)
    } as Static<typeof ListResponse>
  })

  const PreviewQuery = { preview: Type.Optional(Type.Boolean({ description: 'show the draft, if any (needs an API key with the preview scope)' })) }
  const RepresentationQuerySchema = Type.Object({
    locale: CommonReadQuerySchema.locale,
    release: CommonReadQuerySchema.release,
    ...PreviewQuery
  }, { additionalProperties: false })
  type ReadQuery = { locale?: Locale | undefined, release?: number | undefined, fields?: string | undefined, include?: string | undefined, preview?: boolean | undefined }

  /** One entity in one representation: the three routes below differ only in what they send. */
  const readEntity = async (request: FastifyRequest, reply: FastifyReply, slug: string, query: ReadQuery, format: Format) => {
    const { locale: requested, release, fields, include, preview } = query
    const locale = negotiateLocale(requested, request.headers['accept-language'])
    const fieldSet = parseFieldList(type, fields)
    const includes = parseIncludeList(include)
    if (!reply.hasHeader('vary')) reply.header('vary', 'accept-language')
    const sendDocument = (resolved: ResolvedEntity) => format === 'html'
      ? reply.type('text/html; charset=utf-8').send(renderHtmlFragment(resolved, { locale }))
      : reply.type('application/ld+json; charset=utf-8').send(renderJsonLd(resolved, { locale, baseUrl: app.publicBaseUrl }))
    if (preview === true) {
      requireScope(request, 'preview')
      if (release !== undefined) throw new BadRequestError('preview: a draft belongs to no release; leave out release=')
      const draft = await app.delivery.previewEntity({ type, slug, locale })
      if (draft) {
        reply.header('kca-release', String(draft.snapshot.release.number))
        setFreshness(reply, { policy: 'private' })
        reply.header('content-language', draft.resolved.entity.document.locale)
        if (format !== 'json') return sendDocument(draft.resolved)
        return sendEntityJson(reply, type, { ...renderEntity(draft.snapshot, draft.resolved, { fields: fieldSet, include: includes, locale }), status: 'draft', meta: entityMetaOf(locale, draft.resolved.fallback) })
      }
    }
    const { snapshot, resolved, pinned } = await app.delivery.getEntity({ type, slug, locale, release })
    // The body depends only on the version and the requested locale; which release was read is said here.
    reply.header('kca-release', String(snapshot.release.number))
    reply.header('content-language', resolved.entity.document.locale)
    setFreshness(reply, {
      policy: preview === true ? 'private' : pinned ? 'immutable' : 'current',
      keys: surrogateKeys(snapshot, resolved.entity.document, includes),
      lastModified: resolved.entity.publishedAt
    })
    if (format !== 'json') return sendDocument(resolved)
    return sendEntityJson(reply, type, {
      ...renderEntity(snapshot, resolved, { fields: fieldSet, include: includes, locale }),
      ...(preview === true ? { status: 'published' } : {}),
      meta: entityMetaOf(locale, resolved.fallback)
    })
  }

  app.get(`/${plural}/:slug`, {
    config: { responseCache: true },
    schema: {
      summary: `Get one ${type}`,
      operationId: `get${Type_}`,
      description: `The ${type} in the requested locale (falling back to English, which the body and Content-Language say), as of the current or a pinned release. ` +
        'With `preview=true` and an API key that has the `preview` scope, an unpublished draft is shown instead when there is one. ' +
        `JSON here; the HTML fragment and schema.org JSON-LD have URLs of their own (\`/v1/${plural}/{slug}.html\`, \`.jsonld\`), and a request here ` +
        'that asks for them (`format=html|jsonld`, or an Accept header preferring text/html or application/ld+json) is redirected there with 303.',
      tags,
      params: SlugParamsSchema,
      querystring: Type.Object({
        ...CommonReadQuerySchema,
        ...PreviewQuery,
        format: Type.Optional(StringEnum(FORMATS, { description: 'json (default); html or jsonld redirect (303) to the .html or .jsonld URL. Accept: text/html or application/ld+json does the same' }))
      }, { additionalProperties: false }),
      response: {
        200: EntityResponse,
        303: {
          description: 'the representation asked for lives at another URL (`Location`): the .html or .jsonld URL, same query',
          headers: { location: Type.String({ description: `/v1/${plural}/{slug}.html or /v1/${plural}/{slug}.jsonld, with the same query` }) },
          type: 'null'
        },
        ...entityProblems
      }
    }
  }, async (request, reply) => {
    const { slug } = request.params
    const { format: requestedFormat, ...query } = request.query
    const format = negotiateFormat(requestedFormat, request.headers.accept)
    reply.header('vary', 'accept-language, accept')
    if (format !== 'json') {
      if (query.fields !== undefined || query.include !== undefined) throw new BadRequestError(`fields and include shape JSON only; leave them out for format ${format}`)
      const search = new URLSearchParams(request.url.split('?')[1] ?? '')
      search.delete('format')
      const rest = search.toString()
      setFreshness(reply, { policy: 'current' })
      return reply.redirect(`/v1/${plural}/${slug}.${format === 'html' ? 'html' : 'jsonld'}${rest ? `?${rest}` : ''}`, 303)
    }
    return readEntity(request, reply, slug, query, 'json')
  })

  app.get(`/${plural}/:slug.html`, {
    config: { responseCache: true },
    schema: {
      summary: `Get one ${type} as an HTML fragment`,
      operationId: `get${Type_}Html`,
      description: `The ${type} as a sanitized HTML fragment (\`<article class="kca-entity">\`, kca- classes, with its citations, review line and attribution) ` +
        'to paste into a page. Locale, release and preview work as for the JSON.',
      tags,
      params: SlugParamsSchema,
      querystring: RepresentationQuerySchema,
      response: {
        200: { description: `the ${type} as HTML`, content: { 'text/html': { schema: Type.String({ description: 'an HTML fragment: <article class="kca-entity">, sanitized' }) } } },
        ...entityProblems
      }
    }
  }, async (request, reply) => {
    await readEntity(request, reply, request.params.slug, request.query, 'html')
    return reply
  })

  app.get(`/${plural}/:slug.jsonld`, {
    config: { responseCache: true },
    schema: {
      summary: `Get one ${type} as schema.org JSON-LD`,
      operationId: `get${Type_}JsonLd`,
      description: `The ${type} as schema.org JSON-LD (a MedicalWebPage about it, with lastReviewed, reviewedBy, citation and codes) for a partner page's SEO. ` +
        'Locale, release and preview work as for the JSON.',
      tags,
      params: SlugParamsSchema,
      querystring: RepresentationQuerySchema,
      response: {
        200: { description: `the ${type} as JSON-LD`, content: { 'application/ld+json': { schema: Type.Object({}, { additionalProperties: true, description: 'schema.org MedicalWebPage' }) } } },
        ...entityProblems
      }
    }
  }, async (request, reply) => {
    await readEntity(request, reply, request.params.slug, request.query, 'jsonld')
    return reply
  })

  app.get(`/${plural}/:slug/versions`, {
    schema: {
      summary: `Version history of a ${type}`,
      operationId: `list${Type_}Versions`,
      description: 'Every version ever published in one locale, oldest first, including a withdrawal tombstone if there is one. ' +
        'The locale is resolved as reads resolve it (locale=, else Accept-Language, else English); an entity with no history in ' +
        'that locale gives its English history with localeFallback true. Version numbers count per locale.',
      tags,
      params: SlugParamsSchema,
      querystring: LocaleQuerySchema,
      response: { 200: VersionListSchema, ...listProblems }
    }
  }, async (request, reply) => {
    const { slug } = request.params
    const history = await app.delivery.listVersions({ type, slug, locale: negotiateLocale(request.query.locale, request.headers['accept-language']) })
    versionHeaders(reply, history.locale)
    setFreshness(reply, { policy: 'current', keys: [`${type}/${slug}`], lastModified: history.versions.at(-1)?.publishedAt })
    return { type, slug, locale: history.locale, requestedLocale: history.requestedLocale, localeFallback: history.localeFallback, items: history.versions.map(versionSummary) }
  })

  app.get(`/${plural}/:slug/versions/:version`, {
    config: { responseCache: true },
    schema: {
      summary: `One version of a ${type}`,
      operationId: `get${Type_}Version`,
      description: 'The entity exactly as it was published in that version: the same body GET /v1/{type}/{slug} served while it was current. ' +
        'Locale as for reads (locale=, else Accept-Language, else English when there is no translation). Immutable.',
      tags,
      params: VersionParamsSchema,
      querystring: Type.Object({ locale: Type.Optional(LocaleSchema), format: FormatQuerySchema }, { additionalProperties: false }),
      // JSON is the one documented 200 (a typed client's data is one type); format=html|jsonld answer the same
      // version as an HTML fragment or JSON-LD, as the format parameter says.
      response: { 200: { description: `the ${type} version`, content: { 'application/json': { schema: EntityResponse } } }, ...historyProblems }
    }
  }, async (request, reply) => {
    const { slug, version } = request.params
    const requestedLocale = negotiateLocale(request.query.locale, request.headers['accept-language'])
    const format = negotiateFormat(request.query.format, request.headers.accept)
    const { record, resolved } = await app.delivery.getVersion({ type, slug, locale: requestedLocale, version })
    versionHeaders(reply, record.locale)
    reply.header('vary', 'accept-language, accept')
    setFreshness(reply, { policy: 'immutable', keys: [`${type}/${slug}`], lastModified: record.publishedAt })
    // The typed 200 is the JSON; the other formats are sent as finished text, past the JSON serializer.
    const raw = reply as FastifyReply
    if (format === 'html') return raw.type('text/html; charset=utf-8').send(renderHtmlFragment(resolved, { locale: requestedLocale }))
    if (format === 'jsonld') return raw.type('application/ld+json; charset=utf-8').send(JSON.stringify(renderJsonLd(resolved, { locale: requestedLocale, baseUrl: app.publicBaseUrl })))
    return sendEntityJson(reply, type, { ...renderEntity(null, resolved, { fields: null, include: [], locale: requestedLocale }), meta: entityMetaOf(requestedLocale, resolved.fallback) })
  })

  app.get(`/${plural}/:slug/versions/:version/diff`, {
    config: { responseCache: true },
    schema: {
      summary: `Field-level changes between two versions of a ${type}`,
      operationId: `diff${Type_}Versions`,
      description: 'What changed from version `from` (default: the one before) to this version, field by field; sections and sources are compared by id. ' +
        'Locale as for the version history. Immutable.',
      tags,
      params: VersionParamsSchema,
      querystring: Type.Object({ from: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })), locale: Type.Optional(LocaleSchema) }, { additionalProperties: false }),
      response: { 200: VersionDiffSchema, ...historyProblems }
    }
  }, async (request, reply) => {
    const { slug, version } = request.params
    const diff = await app.delivery.diffVersions({ type, slug, locale: negotiateLocale(request.query.locale, request.headers['accept-language']), from: request.query.from, to: version })
    versionHeaders(reply, diff.locale)
    setFreshness(reply, { policy: 'immutable', keys: [`${type}/${slug}`], lastModified: diff.publishedAt })
    const { publishedAt: _publishedAt, ...body } = diff
    return { type, slug, ...body }
  })
}

function versionHeaders (reply: { header: (name: string, value: string) => unknown }, locale: Locale): void {
  reply.header('content-language', locale)
  reply.header('vary', 'accept-language')
}

export default entityRoutes
