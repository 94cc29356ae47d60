// REST reads of topics, conditions, risks and mechanisms: one route module serves all four types, since
// they differ only in their filters and schemas.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import { ENTITY_TYPES, LocaleSchema, TYPE_PLURALS, type EntityType } from '../../../schema/common.js'
import {
  CommonReadQuerySchema, ListFilterSchemas, ListQueryBaseSchema, ProblemSchema, SlugParamsSchema, VersionListSchema,
  entityResponseSchema, listResponseSchema
} from '../../../schema/api.js'
import { listEntities, metaOf, parseFieldList, parseIncludeList, renderEntity, type Sort } from '../../delivery/representation.js'
import { negotiateLocale } from '../../delivery/locale.js'
import { GoneError, NotFoundError } from '../../errors.js'

const problems = { 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema, 503: ProblemSchema }

const entityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const type of ENTITY_TYPES) registerType(app, type)
}

function registerType (app: Parameters<FastifyPluginAsyncTypebox>[0], type: EntityType) {
  const plural = TYPE_PLURALS[type]
  const tags = [plural]
  const EntityResponse = entityResponseSchema(type)
  const ListResponse = listResponseSchema(type)
  // Rendering is shared by all types and typed loosely; the response schema is what enforces the shape.
  type EntityBody = Static<typeof EntityResponse>

  app.get(`/${plural}`, {
    schema: {
      summary: `List ${plural}`,
      description: `Published ${plural} in the current (or a pinned) release, ordered and paginated with an opaque cursor.`,
      tags,
      querystring: Type.Object({ ...ListQueryBaseSchema, ...ListFilterSchemas[type] }, { additionalProperties: false }),
      response: { 200: ListResponse, ...problems }
    }
  }, async (request, reply) => {
    const { locale: requested, release, fields, include, limit, cursor, sort, ...filters } = request.query as Record<string, unknown> & typeof request.query
    const locale = negotiateLocale(requested, request.headers['accept-language'])
    const fieldSet = parseFieldList(type, fields)
    const includes = parseIncludeList(include)
    const snapshot = await app.releases.snapshot(release)
    const page = listEntities(snapshot, type, {
      locale,
      limit: limit ?? 25,
      cursor,
      sort: (sort ?? 'slug') as Sort,
      filters: filters as Record<string, string | undefined>
    })
    const fallback = page.items.some((item) => item.fallback)
    reply.header('content-language', fallback ? `${locale}, en` : locale)
    return {
      items: page.items.map((item) => renderEntity(snapshot, item, { fields: fieldSet, include: includes, locale })),
      nextCursor: page.nextCursor,
      meta: metaOf(snapshot, locale, fallback)
    } as Static<typeof ListResponse>
  })

  app.get(`/${plural}/:slug`, {
    schema: {
      summary: `Get one ${type}`,
      description: `The ${type} in the requested locale (falling back to English, which the body and Content-Language say), as of the current or a pinned release.`,
      tags,
      params: SlugParamsSchema,
      querystring: Type.Object(CommonReadQuerySchema, { additionalProperties: false }),
      response: { 200: EntityResponse, ...problems }
    }
  }, async (request, reply) => {
    const { slug } = request.params
    const { locale: requested, release, fields, include } = request.query
    const locale = negotiateLocale(requested, request.headers['accept-language'])
    const fieldSet = parseFieldList(type, fields)
    const includes = parseIncludeList(include)
    const snapshot = await app.releases.snapshot(release)
    const resolved = snapshot.find(type, slug, locale)
    if (!resolved) {
      const history = await app.contentRepository.listVersions({ type, slug, locale: 'en' })
      if (history.at(-1)?.state === 'withdrawn') throw new GoneError(`${type} "${slug}" was withdrawn in release ${history.at(-1)?.releaseNumber}`)
      throw new NotFoundError(`no ${type} with slug "${slug}"`)
    }
    reply.header('content-language', resolved.entity.document.locale)
    return { ...renderEntity(snapshot, resolved, { fields: fieldSet, include: includes, locale }), meta: metaOf(snapshot, locale, resolved.fallback) } as EntityBody
  })

  app.get(`/${plural}/:slug/versions`, {
    schema: {
      summary: `Version history of a ${type}`,
      description: 'Every version ever published in one locale, oldest first, including a withdrawal tombstone if there is one.',
      tags,
      params: SlugParamsSchema,
      querystring: Type.Object({ locale: Type.Optional(LocaleSchema) }, { additionalProperties: false }),
      response: { 200: VersionListSchema, ...problems }
    }
  }, async (request) => {
    const { slug } = request.params
    const locale = request.query.locale ?? 'en'
    const versions = await app.contentRepository.listVersions({ type, slug, locale })
    if (versions.length === 0) throw new NotFoundError(`no ${type} with slug "${slug}" in locale ${locale}`)
    return {
      type,
      slug,
      locale,
      items: versions.map((version) => ({
        version: version.version,
        state: version.state,
        publishedAt: version.publishedAt.toISOString(),
        changeNote: version.changeNote,
        contentHash: version.contentHash,
        release: version.releaseNumber
      }))
    }
  })

  app.get(`/${plural}/:slug/versions/:version`, {
    schema: {
      summary: `One version of a ${type}`,
      description: 'The entity exactly as it was published in that version, with links resolved within the release that published it.',
      tags,
      params: Type.Object({ slug: SlugParamsSchema.properties.slug, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false }),
      querystring: Type.Object({ locale: Type.Optional(LocaleSchema) }, { additionalProperties: false }),
      response: { 200: EntityResponse, ...problems }
    }
  }, async (request, reply) => {
    const { slug, version } = request.params
    const locale = request.query.locale ?? 'en'
    const record = await app.contentRepository.findVersion({ type, slug, locale }, version)
    if (!record) throw new NotFoundError(`${type} "${slug}" has no version ${version} in locale ${locale}`)
    if (record.state === 'withdrawn') throw new GoneError(`version ${version} of ${type} "${slug}" is the withdrawal in release ${record.releaseNumber}`)
    const snapshot = await app.releases.snapshot(record.releaseNumber)
    const resolved = {
      entity: {
        entityId: record.entityId,
        document: record.document as NonNullable<typeof record.document>,
        version: record.version,
        contentHash: record.contentHash,
        publishedAt: record.publishedAt,
        changeNote: record.changeNote,
        versionRelease: record.releaseNumber
      },
      fallback: false
    }
    reply.header('content-language', locale)
    return { ...renderEntity(snapshot, resolved, { fields: null, include: [], locale }), meta: metaOf(snapshot, locale, false) } as EntityBody
  })
}

export default entityRoutes
