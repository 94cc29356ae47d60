// Partner embedding (product spec §6): a complete page per entity for an iframe, the <ketamine-content> web
// component, and oEmbed for CMSs that turn a pasted link into an embed. Absolute URLs (canonical link,
// JSON-LD, oEmbed html) are built from PUBLIC_BASE_URL, never from the Host header a client or proxy sent.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packagePath } from '../paths.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ENTITY_TYPES, LOCALES, LocaleSchema, SlugSchema, SLUG_PATTERN, StringEnum, TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import { ProblemSchema } from '../../schema/api.js'
import type { ReleaseSnapshot, ResolvedEntity } from '../delivery/release-snapshot.js'
import { negotiateLocale } from '../delivery/locale.js'
import { escapeHtml, renderHtmlFragment } from '../delivery/html.js'
import { PUBLISHER_NAME, jsonLdScriptContent, pagePath, renderJsonLd } from '../delivery/jsonld.js'
import { NotFoundError } from '../errors.js'
import { missingEntityError } from '../delivery/missing-entity.js'
import { setFreshness, strongEtag } from '../plugins/app/freshness.js'
import { sendProblem } from '../problem.js'

const PLURALS = ENTITY_TYPES.map((type) => TYPE_PLURALS[type])
const TYPE_OF_PLURAL = new Map<string, EntityType>(ENTITY_TYPES.map((type) => [TYPE_PLURALS[type], type]))

const EmbedParamsSchema = Type.Object({
  type: StringEnum(PLURALS, { description: 'kind of entity' }),
  slug: SlugSchema
}, { additionalProperties: false })

const EmbedQuerySchema = Type.Object({
  locale: Type.Optional(LocaleSchema),
  release: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'show the entity as of this release (pinned)' }))
}, { additionalProperties: false })

const OEmbedQuerySchema = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'an /embed/{type}/{slug} or /v1/{type}/{slug} URL of this API' }),
  format: Type.Optional(StringEnum(['json', 'xml'] as const, { description: 'only json is implemented; xml answers 501 as oEmbed 1.0 asks', default: 'json' })),
  maxwidth: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  maxheight: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 }))
}, { additionalProperties: false })

const OEmbedSchema = Type.Object({
  type: Type.Literal('rich'),
  version: Type.Literal('1.0'),
  title: Type.String(),
  provider_name: Type.String(),
  provider_url: Type.String(),
  html: Type.String({ description: 'an <iframe> of the embed page' }),
  width: Type.Integer(),
  height: Type.Integer(),
  cache_age: Type.Integer({ description: 'seconds a consumer may keep this answer' })
}, { description: 'oEmbed 1.0 rich response' })

const OEMBED_WIDTH = 640
const OEMBED_HEIGHT = 900

const HtmlPageSchema = { description: 'a complete HTML5 page', content: { 'text/html': { schema: Type.String() } } }
const ScriptSchema = { description: 'an ES module defining <ketamine-content>', content: { 'text/javascript': { schema: Type.String() } } }

const PUBLIC_DIR = packagePath('public')

interface PageParts {
  snapshot: ReleaseSnapshot
  resolved: ResolvedEntity
  locale: Locale
  /** The release the client pinned, if any: related pages stay in it. */
  release: number | undefined
  baseUrl: string
  css: string
}

function embedPage ({ snapshot, resolved, locale, release, baseUrl, css }: PageParts): string {
  const document = resolved.entity.document
  const canonical = `${baseUrl}${pagePath(document.type, document.slug, document.locale)}`
  const alternates = snapshot.locales(document.type, document.slug)
    .map((language) => `<link rel="alternate" hreflang="${language}" href="${escapeHtml(`${baseUrl}${pagePath(document.type, document.slug, language)}`)}">`)
  // Related pages stay root-relative, under PUBLIC_BASE_URL's path prefix when it has one.
  const basePath = new URL(baseUrl).pathname.replace(/\/$/, '')
  const oembed = `${baseUrl}/oembed?url=${encodeURIComponent(canonical)}&format=json`
  const fragment = renderHtmlFragment(resolved, {
    locale,
    // Inside an iframe a followed link would replace the content; related pages are ours and stay in it.
    linkTarget: '_blank',
    relatedHref: (link) => `${basePath}${pagePath(link.type, link.slug, locale)}${release === undefined ? '' : `&release=${release}`}`
  })
  return [
    '<!doctype html>',
    `<html lang="${document.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.title)} · ${PUBLISHER_NAME}</title>`,
    `<meta name="description" content="${escapeHtml(document.summary)}">`,
    // Declared so a browser opening the page on its own does not ask for /favicon.ico, which this API has not.
    '<link rel="icon" href="data:,">',
    `<link rel="canonical" href="${escapeHtml(canonical)}">`,
    ...alternates,
    `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(oembed)}" title="${escapeHtml(document.title)}">`,
    `<style>${css}</style>`,
    `<script type="application/ld+json">${jsonLdScriptContent(renderJsonLd(resolved, { locale, baseUrl }))}</script>`,
    '</head>',
    '<body>',
    '<main>',
    fragment,
    '</main>',
    '</body>',
    '</html>'
  ].join('\n')
}

interface EmbedTarget { type: EntityType, slug: string, locale: Locale | undefined, release: number | undefined }

/** The entity an oEmbed `url` names, or null when it is not one of our entity URLs. */
function parseEmbedTarget (url: string, baseUrl: string): EmbedTarget | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  const base = new URL(baseUrl)
  // PUBLIC_BASE_URL may carry a path prefix (a proxy mounting the API under /kca): our URLs start with it.
  const prefix = base.pathname === '/' ? '' : base.pathname
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(`${prefix}/`)) return null
  const match = new RegExp(`^/(?:embed|v1)/(${PLURALS.join('|')})/(${SLUG_PATTERN.slice(1, -1)})/?$`).exec(parsed.pathname.slice(prefix.length))
  const type = TYPE_OF_PLURAL.get(match?.[1] ?? '')
  const slug = match?.[2]
  if (!type || !slug) return null
  const locale = parsed.searchParams.get('locale')
  if (locale !== null && !(LOCALES as readonly string[]).includes(locale)) return null
  const release = parsed.searchParams.get('release')
  if (release !== null && !/^[1-9]\d{0,9}$/.test(release)) return null
  return { type, slug, locale: (locale ?? undefined) as Locale | undefined, release: release === null ? undefined : Number(release) }
}

const embedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Read once: both files ship with the code and change only with a deploy.
  const [css, script] = await Promise.all([readFile(join(PUBLIC_DIR, 'embed.css'), 'utf8'), readFile(join(PUBLIC_DIR, 'embed.js'), 'utf8')])
  const styleHash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`
  // Nothing on the page runs or loads: the inline stylesheet is allowed by its hash, the JSON-LD block is data,
  // and the only image is the page's empty data: icon (the fragment turns Markdown images into links).
  const pagePolicy = `default-src 'none'; style-src ${styleHash}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors *`
  const scriptEtag = strongEtag(script)

  app.get('/embed/:type/:slug', {
    schema: {
      summary: 'Embed page of an entity',
      operationId: 'getEmbedPage',
      description: 'A complete, accessible HTML page for an <iframe>: content, citations, review status, attribution and the same schema.org JSON-LD as ' +
        '`/v1/{type}/{slug}.jsonld`. No scripts and no third-party requests; its Content-Security-Policy allows only its own inline stylesheet, and any site may frame it. ' +
        '`locale` (else Accept-Language) chooses the language; `release` pins the content.',
      tags: ['embedding'],
      params: EmbedParamsSchema,
      querystring: EmbedQuerySchema,
      response: { 200: HtmlPageSchema, 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema, 503: ProblemSchema }
    }
  }, async (request, reply) => {
    const type = TYPE_OF_PLURAL.get(request.params.type) as EntityType
    const { slug } = request.params
    const { release } = request.query
    const locale = negotiateLocale(request.query.locale, request.headers['accept-language'])
    const snapshot = await app.releases.snapshot(release)
    const resolved = snapshot.find(type, slug, locale)
    if (!resolved) throw await missingEntityError(app.contentRepository, snapshot, type, slug, locale, release !== undefined)
    setFreshness(reply, {
      policy: release === undefined ? 'current' : 'immutable',
      keys: [`${type}/${slug}`],
      lastModified: resolved.entity.publishedAt
    })
    return reply
      .type('text/html; charset=utf-8')
      .header('content-language', resolved.entity.document.locale)
      .header('vary', 'accept-language')
      .header('content-security-policy', pagePolicy)
      .send(embedPage({ snapshot, resolved, locale, release, baseUrl: app.publicBaseUrl, css }))
  })

  app.get('/embed.js', {
    schema: {
      summary: 'The <ketamine-content> web component',
      operationId: 'getEmbedScript',
      description: 'A dependency-free ES module: `<script type="module" src="…/embed.js"></script>` then ' +
        '`<ketamine-content type="condition" slug="ptsd" locale="es"></ketamine-content>`. It reads the entity from this API (the origin it was loaded from) ' +
        'and renders it into shadow DOM with text nodes only: no eval, no inline handlers, no innerHTML.',
      tags: ['embedding'],
      response: { 200: ScriptSchema }
    }
  }, async (_request, reply) => {
    return reply
      .type('text/javascript; charset=utf-8')
      // A module script loaded by another origin is fetched in CORS mode: without this header it does not run.
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=3600, stale-while-revalidate=86400')
      .header('etag', scriptEtag)
      .send(script)
  })

  app.get('/oembed', {
    schema: {
      summary: 'oEmbed for an entity URL',
      operationId: 'getOembed',
      description: 'oEmbed 1.0 (`rich`) for an `/embed/{type}/{slug}` or `/v1/{type}/{slug}` URL of this API, with an <iframe> of the embed page in `html`. ' +
        'A URL that is not ours, or names no published entity, answers 404; `format=xml` answers 501.',
      tags: ['embedding'],
      querystring: OEmbedQuerySchema,
      response: { 200: OEmbedSchema, 400: ProblemSchema, 404: ProblemSchema, 501: ProblemSchema, 503: ProblemSchema }
    }
  }, async (request, reply) => {
    const { url, format, maxwidth, maxheight } = request.query
    if (format === 'xml') return sendProblem(reply, 'KCA_ERR_FORMAT_NOT_IMPLEMENTED', 'format: only json is implemented')
    const baseUrl = app.publicBaseUrl
    const target = parseEmbedTarget(url, baseUrl)
    if (!target) throw new NotFoundError(`url: ${url} is not an entity URL of this API`)
    const locale = target.locale ?? 'en'
    const snapshot = await app.releases.snapshot(target.release)
    const resolved = snapshot.find(target.type, target.slug, locale)
    if (!resolved) throw new NotFoundError(`url: no ${target.type} with slug "${target.slug}"`)
    const width = Math.min(OEMBED_WIDTH, maxwidth ?? OEMBED_WIDTH)
    const height = Math.min(OEMBED_HEIGHT, maxheight ?? OEMBED_HEIGHT)
    const src = `${baseUrl}${pagePath(target.type, target.slug, locale)}${target.release === undefined ? '' : `&release=${target.release}`}`
    const title = resolved.entity.document.title
    setFreshness(reply, { policy: target.release === undefined ? 'current' : 'immutable', keys: [`${target.type}/${target.slug}`], lastModified: resolved.entity.publishedAt })
    return {
      type: 'rich' as const,
      version: '1.0' as const,
      title,
      provider_name: PUBLISHER_NAME,
      provider_url: baseUrl,
      // The page needs no script; the sandbox keeps it that way and still lets its links open in a new tab.
      html: `<iframe src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="${width}" height="${height}" loading="lazy" ` +
        'sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="strict-origin-when-cross-origin" style="border:0;max-width:100%"></iframe>',
      width,
      height,
      cache_age: 3600
    }
  })
}

export default embedRoutes
