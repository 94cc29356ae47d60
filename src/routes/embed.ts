// Partner embedding (product spec §6): a complete page per entity for an iframe, the <ketamine-content> web
// component, and oEmbed for CMSs that turn a pasted link into an embed. Absolute URLs (canonical link,
// JSON-LD, oEmbed html) are built by baseUrlOf alone, from PUBLIC_BASE_URL, never from the Host header a client
// or proxy sent.
//
// Every outcome of an embed page is a framable HTML page in the reader's language: the entity, a withdrawn
// entity's tombstone (410), an unknown one (404) or a malformed link (400). A partner's iframe then never
// shows a broken frame, and the page reports its height to the framing page (public/embed-frame.js).
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packagePath } from '../paths.js'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { ENTITY_TYPES, LOCALES, LocaleSchema, SlugSchema, SLUG_PATTERN, StringEnum, TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import { ProblemSchema } from '../../schema/api.js'
import type { ReleaseSnapshot, ResolvedEntity } from '../delivery/release-snapshot.js'
import { negotiateLocale } from '../delivery/locale.js'
import { escapeHtml, formatDate, renderHtmlFragment } from '../delivery/html.js'
import type { EntityDocument } from '../../schema/entity.js'
import { PUBLISHER_NAME, jsonLdScriptContent, pagePath, renderJsonLd } from '../delivery/jsonld.js'
import { NotFoundError } from '../errors.js'
import { setFreshness, strongEtag } from '../plugins/app/freshness.js'
import { sendProblem } from '../problem.js'

const PLURALS = ENTITY_TYPES.map((type) => TYPE_PLURALS[type])
/** Both spellings of a type name lead to the same entity: `conditions` and `condition`. */
const TYPE_OF_NAME = new Map<string, EntityType>(ENTITY_TYPES.flatMap((type) => [[TYPE_PLURALS[type], type], [type, type]] as Array<[string, EntityType]>))
const TYPE_NAMES = [...PLURALS, ...ENTITY_TYPES]
const THEMES = ['light', 'dark', 'auto'] as const
type Theme = typeof THEMES[number]

const EmbedParamsSchema = Type.Object({
  type: StringEnum(TYPE_NAMES, { description: 'kind of entity, plural or singular (`conditions` or `condition`)' }),
  slug: SlugSchema
}, { additionalProperties: false })

const EmbedQuerySchema = Type.Object({
  locale: Type.Optional(LocaleSchema),
  release: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'show the entity as of this release (pinned)' })),
  theme: Type.Optional(StringEnum(THEMES, { description: 'colour scheme: light (default), dark, or auto to follow the reader\'s system', default: 'light' }))
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
  html: Type.String({ description: 'an <iframe> of the embed page and the /embed.js module that fits its height to the content' }),
  width: Type.Integer(),
  height: Type.Integer({ description: 'an estimate of the content\'s height at `width`; /embed.js then sets the exact one' }),
  cache_age: Type.Integer({ description: 'seconds a consumer may keep this answer' })
}, { description: 'oEmbed 1.0 rich response' })

const OEMBED_WIDTH = 640

const HtmlPageSchema = { description: 'a complete HTML5 page', content: { 'text/html': { schema: Type.String() } } }
const ScriptSchema = { description: 'an ES module defining <ketamine-content>', content: { 'text/javascript': { schema: Type.String() } } }

const PUBLIC_DIR = packagePath('public')

/** PUBLIC_BASE_URL: every absolute URL these routes write goes through here, never through the Host header. */
function baseUrlOf (request: FastifyRequest): string {
  return request.server.publicBaseUrl
}

/** The embed page of an entity; `theme` is left out when it is the default. */
function embedPath (type: EntityType, slug: string, locale: Locale, release: number | undefined, theme: Theme | undefined): string {
  return `${pagePath(type, slug, locale)}${release === undefined ? '' : `&release=${release}`}${theme === undefined || theme === 'light' ? '' : `&theme=${theme}`}`
}

/** Fixed strings of the pages that are not an entity. */
const PAGE_LABELS: Record<Locale, {
  goneTitle: string
  gone: (date: string, release: number) => string
  reason: string
  history: string
  notFoundTitle: string
  notFound: string
  badRequestTitle: string
  badRequest: string
  code: string
}> = {
  en: {
    goneTitle: 'This content has been withdrawn',
    gone: (date, release) => `It was withdrawn on ${date}, in release ${release}.`,
    reason: 'Reason',
    history: 'See its version history',
    notFoundTitle: 'This content could not be found',
    notFound: 'There is no content at this address. The link may be mistyped, or the content may never have been published.',
    badRequestTitle: 'This embed link is not valid',
    badRequest: 'The address of this embed has a mistake in it:',
    code: 'Error code'
  },
  es: {
    goneTitle: 'Este contenido se ha retirado',
    gone: (date, release) => `Se retiró el ${date}, en la publicación ${release}.`,
    reason: 'Motivo',
    history: 'Ver su historial de versiones',
    notFoundTitle: 'No se ha encontrado este contenido',
    notFound: 'No hay ningún contenido en esta dirección. Puede que el enlace tenga un error o que el contenido no se haya publicado nunca.',
    badRequestTitle: 'Este enlace de inserción no es válido',
    badRequest: 'La dirección de esta inserción tiene un error:',
    code: 'Código de error'
  }
}

interface Shell {
  locale: Locale
  theme: Theme
  title: string
  head: string[]
  body: string
}

/** The one page layout: inline stylesheet and height reporter (allowed by hash), `data-theme` for the colours. */
function shell ({ locale, theme, title, head, body }: Shell, assets: { css: string, frameScript: string }): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}" data-theme="${theme}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="color-scheme" content="${theme === 'auto' ? 'light dark' : theme}">`,
    `<title>${escapeHtml(title)} · ${PUBLISHER_NAME}</title>`,
    // Declared so a browser opening the page on its own does not ask for /favicon.ico, which this API has not.
    '<link rel="icon" href="data:,">',
    ...head,
    `<style>${assets.css}</style>`,
    `<script>${assets.frameScript}</script>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>'
  ].join('\n')
}

interface PageParts {
  snapshot: ReleaseSnapshot
  resolved: ResolvedEntity
  locale: Locale
  /** The release the client pinned, if any: related pages stay in it. */
  release: number | undefined
  theme: Theme
  baseUrl: string
}

function embedPage ({ snapshot, resolved, locale, release, theme, baseUrl }: PageParts, assets: { css: string, frameScript: string }): string {
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
    relatedHref: (link) => `${basePath}${embedPath(link.type, link.slug, locale, release, theme)}`
  })
  return shell({
    locale: document.locale,
    theme,
    title: document.title,
    head: [
      `<meta name="description" content="${escapeHtml(document.summary)}">`,
      `<link rel="canonical" href="${escapeHtml(canonical)}">`,
      ...alternates,
      `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(oembed)}" title="${escapeHtml(document.title)}">`,
      `<script type="application/ld+json">${jsonLdScriptContent(renderJsonLd(resolved, { locale, baseUrl }))}</script>`
    ],
    body: fragment
  }, assets)
}

interface Tombstone { type: EntityType, slug: string, withdrawnAt: string, release: number, changeNote: string, versions: string }

/** The page of an answer that is not an entity: tombstone, not found, or a malformed link. */
function problemPage (problem: { status: number, code: string, detail: string, tombstone?: Tombstone | undefined }, locale: Locale, theme: Theme, baseUrl: string,
  assets: { css: string, frameScript: string }): string {
  const labels = PAGE_LABELS[locale]
  const kind = problem.tombstone ? 'gone' : problem.status === 404 ? 'not-found' : 'bad-request'
  const title = kind === 'gone' ? labels.goneTitle : kind === 'not-found' ? labels.notFoundTitle : labels.badRequestTitle
  const lines: string[] = []
  if (problem.tombstone) {
    const { withdrawnAt, release, changeNote, versions } = problem.tombstone
    lines.push(`<p class="kca-tombstone-when">${escapeHtml(labels.gone(formatDate(withdrawnAt, locale), release))}</p>`)
    if (changeNote) lines.push(`<p class="kca-tombstone-why">${labels.reason}: ${escapeHtml(changeNote)}</p>`)
    lines.push(`<p class="kca-tombstone-history"><a href="${escapeHtml(`${baseUrl}${versions}`)}" target="_blank" rel="noopener">${labels.history}</a></p>`)
  } else if (kind === 'not-found') {
    lines.push(`<p>${labels.notFound}</p>`)
  } else {
    lines.push(`<p>${labels.badRequest}</p>`, `<p><code>${escapeHtml(problem.detail)}</code></p>`)
  }
  const body = [
    `<article class="kca-problem kca-problem--${kind}" lang="${locale}" data-status="${problem.status}" data-code="${escapeHtml(problem.code)}">`,
    `<h1 class="kca-problem-title">${title}</h1>`,
    ...lines,
    `<p class="kca-problem-code">${labels.code}: <code>${escapeHtml(problem.code)}</code></p>`,
    '</article>'
  ].join('\n')
  return shell({ locale, theme, title, head: ['<meta name="robots" content="noindex">'], body }, assets)
}

/** The locale an error page speaks: a valid `?locale=` (the query may be what was invalid), else Accept-Language. */
function pageLocale (request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined
  const explicit = typeof query?.locale === 'string' && (LOCALES as readonly string[]).includes(query.locale) ? query.locale as Locale : undefined
  return negotiateLocale(explicit, request.headers['accept-language'])
}

function pageTheme (request: FastifyRequest): Theme {
  const theme = (request.query as Record<string, unknown> | undefined)?.theme
  return (THEMES as readonly unknown[]).includes(theme) ? theme as Theme : 'light'
}

/**
 * Initial height of an oEmbed frame at `width`: lines of text at the page's measure plus its fixed parts.
 * Only a first guess, so the page does not jump much; /embed.js sets the exact height once the page reports it.
 */
function estimateHeight (document: EntityDocument, width: number): number {
  const measure = Math.max(160, Math.min(width, 736) - 32)
  const charactersPerLine = measure / 8.4
  const lines = (text: string) => text.split(/\n\s*\n/).reduce((total, paragraph) => total + Math.ceil(paragraph.trim().length / charactersPerLine), 0)
  const sections = document.sections.reduce((total, section) => total + lines(section.body) * 25.6 + 60 + section.body.split(/\n\s*\n/).length * 16, 0)
  const sources = document.sources.length * (Math.ceil(150 / charactersPerLine) * 24 + 6)
  const crisis = document.crisisResources.reduce((total, resource) => total + Math.ceil((resource.description.length + resource.name.length + 40) / charactersPerLine) * 25.6 + 8, 0)
  const counted = 200 + lines(document.summary) * 28 + sections + sources + crisis + (crisis > 0 ? 90 : 0) + (measure < 440 ? 380 : 240)
  // What the count leaves out (facts, related entities, wrapping of short lines) grows with it: the factors were
  // measured on the seed corpus in Chromium (the browser test prints estimate and content height).
  return Math.round(counted * (measure < 440 ? 1.5 : 1.35))
}

interface EmbedTarget { type: EntityType, slug: string, locale: Locale | undefined, release: number | undefined, theme: Theme | undefined }

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
  const match = new RegExp(`^/(?:embed|v1)/(${TYPE_NAMES.join('|')})/(${SLUG_PATTERN.slice(1, -1)})/?$`).exec(parsed.pathname.slice(prefix.length))
  const type = TYPE_OF_NAME.get(match?.[1] ?? '')
  const slug = match?.[2]
  if (!type || !slug) return null
  const locale = parsed.searchParams.get('locale')
  if (locale !== null && !(LOCALES as readonly string[]).includes(locale)) return null
  const release = parsed.searchParams.get('release')
  if (release !== null && !/^[1-9]\d{0,9}$/.test(release)) return null
  const theme = parsed.searchParams.get('theme')
  if (theme !== null && !(THEMES as readonly string[]).includes(theme)) return null
  return { type, slug, locale: (locale ?? undefined) as Locale | undefined, release: release === null ? undefined : Number(release), theme: (theme ?? undefined) as Theme | undefined }
}

const embedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Read once: the files ship with the code and change only with a deploy.
  const read = (name: string) => readFile(join(PUBLIC_DIR, name), 'utf8')
  const [css, frameScript, script] = await Promise.all([read('embed.css'), read('embed-frame.js'), read('embed.js')])
  const assets = { css, frameScript }
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
  // The page runs one inline script (its height reporter) and one inline stylesheet, both allowed by hash; the
  // JSON-LD block is data, and the only image is the page's empty data: icon (Markdown images become links).
  const pagePolicy = `default-src 'none'; style-src ${hash(css)}; script-src ${hash(frameScript)}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors *`
  const scriptEtag = strongEtag(script)

  const sendPage = (reply: FastifyReply, status: number, locale: Locale, html: string) => reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-language', locale)
    .header('vary', 'accept-language')
    .header('content-security-policy', pagePolicy)
    .send(html)

  await app.register(async (plain) => {
    const pages = plain.withTypeProvider<TypeBoxTypeProvider>()
    // A frame shows whatever comes back: errors of the page route are pages too, in the reader's language.
    // 5xx are rethrown to the application's handler, which logs them and never shows internals.
    pages.setErrorHandler((error: FastifyError & { validation?: unknown[], tombstone?: Tombstone }, request, reply) => {
      const status = error.validation ? 400 : error.statusCode ?? 500
      if (status >= 500) throw error
      const code = error.validation ? 'KCA_ERR_VALIDATION' : error.code?.startsWith('KCA_ERR_') ? error.code : 'KCA_ERR_BAD_REQUEST'
      const detail = error.validation
        ? (error.validation as Array<{ instancePath: string, message?: string, params?: Record<string, unknown> }>).map((item) => {
            const name = [item.instancePath.split('/').filter(Boolean).join('.'), item.params?.additionalProperty].filter(Boolean).join('.')
            const allowed = item.params?.allowedValues as unknown[] | undefined
            return `${name}: ${item.params?.additionalProperty ? 'is not a known parameter' : allowed ? `must be one of: ${allowed.join(', ')}` : item.message ?? 'is invalid'}`
          }).join('; ')
        : error.message
      const locale = pageLocale(request)
      return sendPage(reply, status, locale, problemPage({ status, code, detail, tombstone: error.tombstone }, locale, pageTheme(request), baseUrlOf(request), assets))
    })

    pages.get('/embed/:type/:slug', {
      schema: {
        summary: 'Embed page of an entity',
        operationId: 'getEmbedPage',
        description: 'A complete, accessible HTML page for an <iframe>: content, citations, review status, crisis lines, attribution and the same schema.org ' +
          'JSON-LD as `?format=jsonld`. Every outcome is a framable page in the reader\'s language: a withdrawn entity answers 410 with its tombstone ' +
          '(when, why, link to its history), an unknown one 404, a malformed link 400. `type` is plural or singular. `locale` (else Accept-Language) ' +
          'chooses the language; `release` pins the content; `theme` is light (default), dark or auto. Its only script reports the content\'s height ' +
          'to the framing page with postMessage (`{ type: "kca:resize", version: 1, height, href }`); its Content-Security-Policy allows only its own ' +
          'inline stylesheet and that script, and any site may frame it.',
        tags: ['embedding'],
        params: EmbedParamsSchema,
        querystring: EmbedQuerySchema,
        response: { 200: HtmlPageSchema, 400: HtmlPageSchema, 404: HtmlPageSchema, 410: HtmlPageSchema, 503: ProblemSchema }
      }
    }, async (request, reply) => {
      const type = TYPE_OF_NAME.get(request.params.type) as EntityType
      const { slug } = request.params
      const { release, theme = 'light' } = request.query
      const locale = negotiateLocale(request.query.locale, request.headers['accept-language'])
      const { snapshot, resolved, pinned } = await app.delivery.getEntity({ type, slug, locale, release })
      setFreshness(reply, {
        policy: pinned ? 'immutable' : 'current',
        keys: [`${type}/${slug}`],
        lastModified: resolved.entity.publishedAt
      })
      return sendPage(reply, 200, resolved.entity.document.locale, embedPage({ snapshot, resolved, locale, release, theme, baseUrl: baseUrlOf(request) }, assets))
    })
  })

  app.get('/embed.js', {
    schema: {
      summary: 'The <ketamine-content> web component',
      operationId: 'getEmbedScript',
      description: 'A dependency-free ES module: `<script type="module" src="…/embed.js"></script>` then ' +
        '`<ketamine-content type="condition" slug="ptsd"></ketamine-content>`. It reads the entity from this API (the origin it was loaded from) with one request ' +
        'per distinct entity on the page, and renders it into shadow DOM with text nodes only: no eval, no inline handlers, no innerHTML. Language: the ' +
        '`locale` attribute, else the page\'s `lang`, else Accept-Language. It also fits every iframe of an embed page on the page to its content\'s height.',
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
      description: 'oEmbed 1.0 (`rich`) for an `/embed/{type}/{slug}` or `/v1/{type}/{slug}` URL of this API (type plural or singular; `locale`, `release` and ' +
        '`theme` of the URL are kept). `html` is an <iframe> of the embed page (no inline style: it works under a strict CSP) and the /embed.js module, ' +
        'which keeps the frame within its container and fits its height to the content. `width` is at most 640 and `maxwidth`; `height` estimates the ' +
        'content\'s height at that width, at most `maxheight` (the frame then never grows past it). A URL that is not ours, or names no published ' +
        'entity, answers 404; a withdrawn entity 410; `format=xml` answers 501.',
      tags: ['embedding'],
      querystring: OEmbedQuerySchema,
      response: { 200: OEmbedSchema, 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema, 501: ProblemSchema, 503: ProblemSchema }
    }
  }, async (request, reply) => {
    const { url, format, maxwidth, maxheight } = request.query
    if (format === 'xml') return sendProblem(reply, 'KCA_ERR_FORMAT_NOT_IMPLEMENTED', 'format: only json is implemented')
    const baseUrl = app.publicBaseUrl
    const target = parseEmbedTarget(url, baseUrl)
    if (!target) throw new NotFoundError(`url: ${url} is not an entity URL of this API`)
    const locale = negotiateLocale(target.locale, request.headers['accept-language'])
    const { resolved } = await app.delivery.getEntity({ type: target.type, slug: target.slug, locale, release: target.release })
    const width = Math.min(OEMBED_WIDTH, maxwidth ?? OEMBED_WIDTH)
    const height = Math.min(estimateHeight(resolved.entity.document, width), maxheight ?? Number.POSITIVE_INFINITY)
    const src = `${baseUrl}${embedPath(target.type, target.slug, locale, target.release, target.theme)}`
    const title = resolved.entity.document.title
    setFreshness(reply, { policy: target.release === undefined ? 'current' : 'immutable', keys: [`${target.type}/${target.slug}`], lastModified: resolved.entity.publishedAt })
    reply.header('vary', 'accept-language')
    return {
      type: 'rich' as const,
      version: '1.0' as const,
      title,
      provider_name: PUBLISHER_NAME,
      provider_url: baseUrl,
      // Attributes only, no style: a partner's strict style-src would block it. The sandbox keeps the page from
      // navigating the partner's page; its script (the height reporter) runs in our origin, not the partner's.
      html: `<iframe class="kca-frame" src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="${width}" height="${height}" frameborder="0" ` +
        'sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox" referrerpolicy="strict-origin-when-cross-origin"' +
        `${maxheight === undefined ? '' : ` data-kca-max-height="${maxheight}"`}></iframe>\n` +
        `<script type="module" src="${escapeHtml(`${baseUrl}/embed.js`)}"></script>`,
      width,
      height,
      cache_age: 3600
    }
  })
}

export default embedRoutes
