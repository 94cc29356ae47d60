// `npm run preview`: the working files in seeds/, drafts included, rendered exactly as the API would serve them
// (the embed HTML and the JSON body) at a local URL, re-rendered whenever a file is saved. Nothing is published
// and no database is touched: the corpus is loaded into an in-memory release snapshot that only this server sees.
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import { ENTITY_TYPES, LOCALES, TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import { escapeHtml, renderHtmlFragment } from '../delivery/html.js'
import { ReleaseSnapshot } from '../delivery/release-snapshot.js'
import { metaOf, renderEntity } from '../delivery/representation.js'
import { entityKeyString, type VersionRecord } from '../repositories/records.js'
import { materialise, type PublishedDocument } from './materialise.js'
import { contentHash } from './canonical.js'
import { loadCorpus, type Corpus } from './corpus.js'
import { formatProblem } from './problems.js'
import { packagePath } from '../paths.js'

export interface PreviewOptions {
  seedsDir: string
  /** 0 picks a free port. */
  port?: number
  /** Re-read the files when one changes (on by default). */
  watch?: boolean
  /** Called after every load, e.g. to print the problems found. */
  onLoad?: (corpus: Corpus) => void
}

export interface PreviewServer {
  url: string
  /** Load the files again now (what a save triggers). */
  reload: () => Promise<void>
  close: () => Promise<void>
}

interface Loaded { corpus: Corpus, snapshot: ReleaseSnapshot, drafts: Set<string>, generation: number }

const TYPE_OF_PLURAL = new Map<string, EntityType>(ENTITY_TYPES.map((type) => [TYPE_PLURALS[type], type]))
/** Saving one file often writes it several times (temporary file, rename): one reload for the burst. */
const RELOAD_DELAY_MS = 80

/** Every file, draft or not, as one release numbered 0 that exists only in this process. */
export function previewSnapshot (corpus: Corpus, loadedAt = new Date()): ReleaseSnapshot {
  // Materialised as a publish would (links from either side, locales, review), drafts included.
  const published = materialise(corpus.entities.map((entity) => entity.document))
  const versions: VersionRecord[] = corpus.entities.map((entity, index) => ({
    type: entity.document.type,
    slug: entity.document.slug,
    locale: entity.document.locale,
    entityId: index + 1,
    versionId: index + 1,
    version: 0,
    state: 'published',
    document: published.get(entityKeyString(entity.document)) as PublishedDocument,
    contentHash: contentHash(published.get(entityKeyString(entity.document))),
    changeNote: 'preview of the working files: not published',
    sourceFile: entity.sourceFile,
    releaseNumber: 0,
    publishedAt: loadedAt
  }))
  return new ReleaseSnapshot({
    number: 0,
    changeNote: 'preview of the working files: not published',
    sourceCommit: null,
    sourceDirty: false,
    sourceChangesHash: null,
    manifestHash: '',
    entityCount: versions.length,
    stats: { created: versions.length, updated: 0, withdrawn: 0 },
    createdAt: loadedAt
  }, versions)
}

export async function startPreview (options: PreviewOptions): Promise<PreviewServer> {
  const css = await readFile(packagePath('public', 'embed.css'), 'utf8')
  let generation = 0
  const load = async (): Promise<Loaded> => {
    const corpus = await loadCorpus(options.seedsDir)
    options.onLoad?.(corpus)
    const drafts = new Set(corpus.entities.filter((entity) => entity.status === 'draft')
      .map((entity) => `${entity.document.type}/${entity.document.slug}/${entity.document.locale}`))
    return { corpus, snapshot: previewSnapshot(corpus), drafts, generation: ++generation }
  }
  // Requests always wait for the newest load, so a page asked for right after a save shows the save.
  let current = load()
  await current
  const listeners = new Set<(generation: number) => void>()
  const reload = async () => {
    const next = load()
    const previous = current
    current = next.catch(() => previous)
    const loaded = await next
    for (const listener of listeners) listener(loaded.generation)
  }

  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher | undefined
  if (options.watch !== false) {
    watcher = watch(options.seedsDir, { recursive: true }, () => {
      clearTimeout(timer)
      timer = setTimeout(() => { reload().catch(() => {}) }, RELOAD_DELAY_MS)
    })
  }

  // A local tool for one editor, not part of the API: its routes mirror the API's paths but carry no schemas,
  // keys, limits or caching, and it listens on 127.0.0.1 only.
  const app = Fastify({ logger: false })
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(indexPage(await current)))

  app.get<{ Params: { plural: string, slug: string }, Querystring: { locale?: string } }>('/embed/:plural/:slug', async (request, reply) => {
    const found = find(await current, request.params, request.query.locale)
    if (!found) return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(request.params))
    const { loaded, resolved, locale } = found
    const document = resolved.entity.document
    const fragment = renderHtmlFragment(resolved, {
      locale,
      relatedHref: (link) => `/embed/${TYPE_PLURALS[link.type]}/${link.slug}?locale=${locale}`
    })
    const draft = loaded.drafts.has(`${document.type}/${document.slug}/${document.locale}`)
    return reply.type('text/html; charset=utf-8').send(page(`${document.title} · preview`, document.locale, css, [
      banner(`${draft ? 'DRAFT — ' : ''}Preview of ${resolved.entity.document.type}/${document.slug} (${document.locale}) from the working files; not published.`, loaded),
      fragment
    ].join('\n')))
  })

  app.get<{ Params: { plural: string, slug: string }, Querystring: { locale?: string } }>('/v1/:plural/:slug', async (request, reply) => {
    const found = find(await current, request.params, request.query.locale)
    if (!found) return reply.code(404).send({ title: 'Not Found', status: 404, detail: `no ${request.params.plural}/${request.params.slug} in the working files` })
    const { loaded, resolved, locale } = found
    const document = resolved.entity.document
    return {
      ...renderEntity(loaded.snapshot, resolved, { fields: null, include: [], locale }),
      ...(loaded.drafts.has(`${document.type}/${document.slug}/${document.locale}`) ? { status: 'draft' } : {}),
      meta: { ...metaOf(loaded.snapshot, locale, resolved.fallback), preview: true }
    }
  })

  // The open page reloads itself after a save: one event per load of the files.
  app.get('/events', (request, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    reply.raw.write(': preview\n\n')
    const send = (loadedGeneration: number) => reply.raw.write(`data: ${loadedGeneration}\n\n`)
    listeners.add(send)
    request.raw.on('close', () => listeners.delete(send))
  })

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  return {
    url: `http://127.0.0.1:${port}`,
    reload,
    close: async () => {
      clearTimeout(timer)
      watcher?.close()
      listeners.clear()
      // Open event streams would keep the server from closing.
      app.server.closeAllConnections()
      await app.close()
    }
  }
}

function find (loaded: Loaded, params: { plural: string, slug: string }, requested: string | undefined) {
  const type = TYPE_OF_PLURAL.get(params.plural)
  if (!type) return null
  const locale: Locale = (LOCALES as readonly string[]).includes(requested ?? '') ? requested as Locale : 'en'
  const resolved = loaded.snapshot.find(type, params.slug, locale)
  return resolved ? { loaded, resolved, locale } : null
}

const RELOAD_SCRIPT = "<script>new EventSource('/events').onmessage = () => location.reload()</script>"

function page (title: string, language: string, css: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}\n.kca-preview { border: 2px dashed #b35c00; padding: .5em 1em; margin-bottom: 1em; font-family: system-ui, sans-serif; }\n.kca-preview a { margin-right: 1em; }</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    RELOAD_SCRIPT,
    '</body>',
    '</html>'
  ].join('\n')
}

function banner (text: string, loaded: Loaded): string {
  const problems = loaded.corpus.problems.length
  return `<p class="kca-preview"><strong>${escapeHtml(text)}</strong> <a href="/">All entities</a>` +
    (problems > 0 ? ` <a href="/#problems">${problems} problem(s) in the files</a>` : '') + '</p>'
}

function indexPage (loaded: Loaded): string {
  const { corpus } = loaded
  const problems = corpus.problems.length === 0
    ? '<p>content:check finds no problem in the working files.</p>'
    : `<h2 id="problems">${corpus.problems.length} problem(s): content:publish would refuse these files</h2>\n<pre>${escapeHtml(corpus.problems.map(formatProblem).join('\n'))}</pre>`
  const sections = ENTITY_TYPES.map((type) => {
    const english = corpus.entities.filter((entity) => entity.document.type === type && entity.document.locale === 'en')
      .sort((a, b) => (a.document.slug < b.document.slug ? -1 : 1))
    const items = english.map((entity) => {
      const { slug } = entity.document
      const locales = loaded.snapshot.locales(type, slug)
      const links = locales.map((locale) => {
        const draft = loaded.drafts.has(`${type}/${slug}/${locale}`)
        return `<a href="/embed/${TYPE_PLURALS[type]}/${slug}?locale=${locale}">${locale}${draft ? ' (draft)' : ''}</a> ` +
          `<a href="/v1/${TYPE_PLURALS[type]}/${slug}?locale=${locale}">JSON</a>`
      })
      return `<li>${escapeHtml(entity.document.title)} <code>${type}/${slug}</code> ${links.join(' · ')}</li>`
    })
    return `<h2>${type} (${english.length})</h2>\n<ul>\n${items.join('\n')}\n</ul>`
  })
  return page('Preview of the working files', 'en', '', [
    '<h1>Preview of the working files</h1>',
    '<p class="kca-preview">Rendered from seeds/ as the API would serve it, drafts included. Nothing here is published; pages reload when a file is saved.</p>',
    problems,
    ...sections
  ].join('\n'))
}

function notFoundPage (params: { plural: string, slug: string }): string {
  return page('Not in the working files', 'en', '', `<h1>No ${escapeHtml(params.plural)}/${escapeHtml(params.slug)} in the working files</h1>\n<p><a href="/">All entities</a></p>`)
}
