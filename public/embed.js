// <ketamine-content>: shows one entity of ketamine-content-api on a partner's page.
//
//   <script type="module" src="https://<api host>/embed.js"></script>
//   <ketamine-content type="condition" slug="ptsd"></ketamine-content>
//
// Attributes: type (topic | condition | risk | mechanism; plural accepted too), slug, locale (en | es; without
// it the nearest `lang` of the page, else the browser's Accept-Language), theme (light, the default | dark |
// auto) and release (pin the content to one release). Colours, font and spacing are --kca-* custom properties
// a partner may set on the element or any ancestor (README, "Embedding").
//
// One request per entity: widgets naming the same URL share one fetch and its answer; the browser's HTTP
// cache revalidates it with its ETag. The entity is rendered into shadow DOM. CSP-friendly: no eval, no inline
// handlers, no innerHTML; every piece of text becomes a text node, and the styles are a constructed
// stylesheet, so a partner's `style-src` needs no 'unsafe-inline'.
//
// Loading this module also fits embed-page iframes of this API to their content: each page reports its height
// with postMessage ({ type: 'kca:resize', version: 1, height, href }); only messages from the API's origin,
// from a frame on this page, are obeyed.
/* global HTMLElement, CSSStyleSheet, CustomEvent, customElements */
const API_BASE = new URL('.', import.meta.url)
const PLURALS = { topic: 'topics', condition: 'conditions', risk: 'risks', mechanism: 'mechanisms' }
const LOCALES = ['en', 'es']
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const SAFE_PROTOCOLS = ['https:', 'http:', 'mailto:', 'tel:']

const LABELS = {
  en: {
    loading: 'Loading…',
    failed: 'This content could not be loaded.',
    retry: 'Please try again later.',
    openPage: 'Open it on its own page',
    notTranslated: 'This content has not been translated into English yet.',
    unreviewed: 'Not yet reviewed by a clinician',
    reviewedBy: 'Reviewed by',
    lastReviewed: 'Last reviewed',
    reviewDue: 'Next review due',
    crisisHeading: 'If you need help now',
    call: 'Call',
    text: 'Text',
    sources: 'Sources',
    reference: 'Reference',
    references: 'References',
    attribution: 'Ketamine therapy content © ketamine-content-api contributors',
    license: 'Licence',
    goneTitle: 'This content has been withdrawn',
    gone: (date, release) => `It was withdrawn on ${date}, in release ${release}.`,
    reason: 'Reason',
    history: 'See its version history',
    notFoundTitle: 'This content could not be found',
    notFound: 'There is no content at this address. The link may be mistyped, or the content may never have been published.',
    badTypeTitle: 'This embed is not set up correctly',
    badType: (type) => `"${type}" is not a kind of content here. Use type="topic", "condition", "risk" or "mechanism" (or the plural).`,
    badSlug: (slug) => `"${slug}" is not a valid slug: lower-case letters, digits and single hyphens only.`,
    code: 'Error code'
  },
  es: {
    loading: 'Cargando…',
    failed: 'No se pudo cargar este contenido.',
    retry: 'Vuelva a intentarlo más tarde.',
    openPage: 'Abrirlo en su propia página',
    notTranslated: 'Este contenido aún no está traducido al español; se muestra en inglés.',
    unreviewed: 'Aún no revisado por un profesional clínico',
    reviewedBy: 'Revisado por',
    lastReviewed: 'Última revisión',
    reviewDue: 'Próxima revisión',
    crisisHeading: 'Si necesita ayuda ahora',
    call: 'Llame al',
    text: 'Envíe un mensaje al',
    sources: 'Fuentes',
    reference: 'Referencia',
    references: 'Referencias',
    attribution: 'Contenido sobre terapia con ketamina © colaboradores de ketamine-content-api',
    license: 'Licencia',
    goneTitle: 'Este contenido se ha retirado',
    gone: (date, release) => `Se retiró el ${date}, en la publicación ${release}.`,
    reason: 'Motivo',
    history: 'Ver su historial de versiones',
    notFoundTitle: 'No se ha encontrado este contenido',
    notFound: 'No hay ningún contenido en esta dirección. Puede que el enlace tenga un error o que el contenido no se haya publicado nunca.',
    badTypeTitle: 'Esta inserción no está bien configurada',
    badType: (type) => `«${type}» no es un tipo de contenido de aquí. Use type="topic", "condition", "risk" o "mechanism" (o el plural).`,
    badSlug: (slug) => `«${slug}» no es un slug válido: solo minúsculas, dígitos y guiones sueltos.`,
    code: 'Código de error'
  }
}

// Custom properties a partner sets (--kca-*) feed private ones (--_*) with the theme's value as the fallback:
// a value the partner set on any ancestor is inherited into the shadow root and wins.
const LIGHT = '--_text: var(--kca-color-text, #1b1f24); --_background: var(--kca-color-background, #ffffff); --_accent: var(--kca-color-accent, #1f5f8b); ' +
  '--_muted: var(--kca-color-muted, #4f5760); --_border: var(--kca-color-border, #d8dde3); --_crisis-background: var(--kca-color-crisis-background, #fff4e5); ' +
  '--_crisis-border: var(--kca-color-crisis-border, #e0a040); --_warning: var(--kca-color-warning, #b03a2e); color-scheme: light;'
const DARK = '--_text: var(--kca-color-text, #e8eaed); --_background: var(--kca-color-background, #15191e); --_accent: var(--kca-color-accent, #8cc4ee); ' +
  '--_muted: var(--kca-color-muted, #b4bcc4); --_border: var(--kca-color-border, #3a4048); --_crisis-background: var(--kca-color-crisis-background, #3a2a12); ' +
  '--_crisis-border: var(--kca-color-crisis-border, #c08a30); --_warning: var(--kca-color-warning, #f08c80); color-scheme: dark;'

const STYLES = `
:host { ${LIGHT} display: block; color: var(--_text); background: var(--_background); font-family: var(--kca-font-family, inherit);
  font-size: var(--kca-font-size, 1rem); line-height: var(--kca-line-height, 1.6); padding: var(--kca-spacing, 1rem); border-radius: var(--kca-radius, .4rem);
  overflow-wrap: anywhere; }
:host([theme="dark"]) { ${DARK} }
@media (prefers-color-scheme: dark) { :host([theme="auto"]) { ${DARK} } }
:host([hidden]) { display: none; }
a { color: var(--_accent); }
a:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.kca-title, .kca-problem-title { font-size: 1.4em; line-height: 1.25; margin: 0 0 calc(var(--kca-spacing, 1rem) * .5); }
.kca-summary { font-size: 1.05em; }
.kca-notice, .kca-review { padding: .3em .6em; border-left: 4px solid var(--_border); }
.kca-review--unreviewed, .kca-review--overdue { border-left-color: var(--_crisis-border); font-weight: 600; }
.kca-crisis { background: var(--_crisis-background); border: 1px solid var(--_crisis-border); border-radius: var(--kca-radius, .4rem); padding: .2em var(--kca-spacing, 1rem); margin: var(--kca-spacing, 1rem) 0; }
.kca-crisis-heading { font-size: 1.1em; margin: .5em 0; }
.kca-section-heading { font-size: 1.15em; margin: calc(var(--kca-spacing, 1rem) * 1.4) 0 .4em; }
.kca-section-citations, .kca-footer, .kca-citations { font-size: .9em; }
.kca-section-citations, .kca-problem-code { color: var(--_muted); }
.kca-cite { text-decoration: none; }
.kca-footer { margin-top: calc(var(--kca-spacing, 1rem) * 1.5); padding-top: .5em; border-top: 1px solid var(--_border); }
.kca-status { color: var(--_muted); }
.kca-problem { border-left: 4px solid var(--_warning); padding: .2em var(--kca-spacing, 1rem); }
`

function element (tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function safeHref (url) {
  try {
    const parsed = new URL(url)
    return SAFE_PROTOCOLS.includes(parsed.protocol) ? parsed.href : null
  } catch {
    return null
  }
}

function externalLink (href, text) {
  const link = element('a', undefined, text)
  link.href = href
  link.rel = 'noopener nofollow'
  link.target = '_blank'
  return link
}

// Inline Markdown the content uses: **strong**, *emphasis*, `code` and [text](https://…) links.
const INLINE = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g

function appendInline (parent, text) {
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    parent.append(text.slice(last, match.index))
    const [, strong, emphasis, code, linkText, linkUrl] = match
    if (strong !== undefined) parent.append(element('strong', undefined, strong))
    else if (emphasis !== undefined) parent.append(element('em', undefined, emphasis))
    else if (code !== undefined) parent.append(element('code', undefined, code))
    else {
      const href = safeHref(linkUrl)
      parent.append(href ? externalLink(href, linkText) : linkText)
    }
    last = match.index + match[0].length
  }
  parent.append(text.slice(last))
}

// Block Markdown: paragraphs, bullet and numbered lists, headings (shown one level below the section's).
function appendMarkdown (parent, markdown) {
  let paragraph = null
  let list = null
  const closeParagraph = () => {
    if (paragraph) appendInline(parent.appendChild(element('p')), paragraph.join(' '))
    paragraph = null
  }
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line)
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (bullet || numbered) {
      closeParagraph()
      const tag = bullet ? 'UL' : 'OL'
      if (!list || list.tagName !== tag) list = parent.appendChild(element(tag.toLowerCase()))
      appendInline(list.appendChild(element('li')), (bullet ?? numbered)[1])
    } else if (heading) {
      closeParagraph()
      list = null
      appendInline(parent.appendChild(element('h4')), heading[1])
    } else if (line.trim() === '') {
      closeParagraph()
      list = null
    } else if (list && /^\s+/.test(line)) {
      list.lastElementChild.append(` ${line.trim()}`)
    } else {
      list = null
      paragraph = [...(paragraph ?? []), line.trim()]
    }
  }
  closeParagraph()
}

function formatDate (isoDate, locale) {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`))
}

function numberedSources (entity) {
  const order = [...new Set([...entity.sections.flatMap((section) => section.citations), ...entity.sources.map((source) => source.id)])]
  const byId = new Map(entity.sources.map((source) => [source.id, source]))
  return order.map((id) => byId.get(id)).filter(Boolean)
}

function reviewLine (entity, labels, locale) {
  const review = entity.review ?? { reviewStatus: 'unreviewed' }
  const line = element('p', `kca-review kca-review--${review.reviewStatus}`)
  if (review.reviewStatus === 'unreviewed' || !review.lastReviewed) {
    line.textContent = labels.unreviewed
    return line
  }
  const reviewers = (review.reviewedBy ?? []).map((reviewer) => `${reviewer.name}, ${reviewer.credentials}`).join('; ')
  const next = review.nextReviewDue ? ` ${labels.reviewDue} ${formatDate(review.nextReviewDue, locale)}.` : ''
  line.textContent = `${labels.reviewedBy} ${reviewers}. ${labels.lastReviewed} ${formatDate(review.lastReviewed, locale)}.${next}`
  return line
}

function crisisBlock (resources, labels) {
  const aside = element('aside', 'kca-crisis')
  aside.setAttribute('aria-label', labels.crisisHeading)
  aside.append(element('h3', 'kca-crisis-heading', labels.crisisHeading))
  const list = aside.appendChild(element('ul'))
  for (const resource of resources) {
    const item = list.appendChild(element('li', 'kca-crisis-resource'))
    item.append(element('strong', undefined, resource.name), ` (${resource.country})`)
    const reach = []
    if (resource.phone) {
      const tel = element('a', undefined, resource.phone)
      tel.href = `tel:${resource.phone.replace(/[^0-9+]/g, '')}`
      reach.push([`${labels.call} `, tel])
    }
    if (resource.text) reach.push([`${labels.text} ${resource.text}`])
    const url = resource.url && safeHref(resource.url)
    if (url) reach.push([externalLink(url, new URL(url).hostname)])
    reach.forEach((parts, index) => item.append(index === 0 ? ': ' : ' · ', ...parts))
    item.append(`${resource.hours ? ` — ${resource.hours}` : ''}. ${resource.description}`)
  }
  return aside
}

function sentence (text) {
  return /[.?!]$/.test(text) ? text : `${text}.`
}

function citationItem (source) {
  const item = element('li', 'kca-citation')
  item.append(`${sentence(source.authors)} ${sentence(source.title)} `, element('cite', undefined, source.publisher), `${source.year ? ` ${source.year}` : ''}.`)
  const links = []
  if (source.doi) links.push(externalLink(`https://doi.org/${source.doi.split('/').map(encodeURIComponent).join('/')}`, `doi:${source.doi}`))
  if (source.pmid) links.push(externalLink(`https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(source.pmid)}/`, `PMID ${source.pmid}`))
  const url = !source.doi && !source.pmid && source.url && safeHref(source.url)
  if (url) links.push(externalLink(url, new URL(url).hostname))
  for (const link of links) item.append(' ', link)
  return item
}

/** Answers by URL, shared by every widget on the page: one request per distinct entity, even when in flight. */
const answers = new Map()

function request (url) {
  const key = url.href
  if (!answers.has(key)) {
    const answer = fetch(url, { credentials: 'omit', headers: { accept: 'application/json' } })
      .then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }))
    // A network failure is not an answer: the next widget (or attribute change) asks again.
    answer.catch(() => answers.delete(key))
    answers.set(key, answer)
  }
  return answers.get(key)
}

/** The language of the widget: its `locale`, else the nearest `lang` of the page (if we have it), else none. */
function chosenLocale (host) {
  const explicit = host.getAttribute('locale')
  if (LOCALES.includes(explicit)) return explicit
  const language = (host.closest('[lang]')?.getAttribute('lang') ?? '').toLowerCase().split('-')[0]
  return LOCALES.includes(language) ? language : null
}

function browserLocale () {
  const language = (navigator.language ?? '').toLowerCase().split('-')[0]
  return LOCALES.includes(language) ? language : 'en'
}

class KetamineContent extends HTMLElement {
  static observedAttributes = ['type', 'slug', 'locale', 'release', 'theme']

  #root
  #scheduled = false
  #generation = 0

  constructor () {
    super()
    this.#root = this.attachShadow({ mode: 'open' })
    if ('adoptedStyleSheets' in this.#root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(STYLES)
      this.#root.adoptedStyleSheets = [sheet]
    } else {
      this.#root.append(element('style', undefined, STYLES))
    }
  }

  connectedCallback () {
    this.#schedule()
  }

  disconnectedCallback () {
    this.#generation++
  }

  attributeChangedCallback (name) {
    // The theme is pure CSS (:host([theme])); nothing to fetch again.
    if (name !== 'theme' && this.isConnected) this.#schedule()
  }

  // An element upgraded with its attributes in place gets one callback per attribute and one for being
  // connected: they coalesce into one load.
  #schedule () {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      if (this.isConnected) this.#load()
    })
  }

  #show (...nodes) {
    for (const node of [...this.#root.childNodes]) if (node.nodeName !== 'STYLE') node.remove()
    this.#root.append(...nodes)
  }

  async #load () {
    const generation = ++this.#generation
    const locale = chosenLocale(this)
    const labels = LABELS[locale ?? browserLocale()]
    const typeAttribute = (this.getAttribute('type') ?? '').trim()
    const type = PLURALS[typeAttribute] ? typeAttribute : Object.keys(PLURALS).find((key) => PLURALS[key] === typeAttribute)
    const slug = (this.getAttribute('slug') ?? '').trim()
    if (!type) return this.#problem(labels, locale, { kind: 'bad-request', title: labels.badTypeTitle, text: labels.badType(typeAttribute), code: 'KCA_ERR_VALIDATION' })
    if (!SLUG.test(slug)) return this.#problem(labels, locale, { kind: 'bad-request', title: labels.badTypeTitle, text: labels.badSlug(slug), code: 'KCA_ERR_VALIDATION' })
    const release = this.getAttribute('release')
    const pageUrl = new URL(`embed/${PLURALS[type]}/${slug}`, API_BASE)
    const apiUrl = new URL(`v1/${PLURALS[type]}/${slug}`, API_BASE)
    for (const url of [pageUrl, apiUrl]) {
      if (locale) url.searchParams.set('locale', locale)
      if (release && /^[1-9]\d*$/.test(release)) url.searchParams.set('release', release)
    }
    this.setAttribute('aria-busy', 'true')
    const status = element('p', 'kca-status', labels.loading)
    status.setAttribute('role', 'status')
    this.#show(status)
    try {
      const answer = await request(apiUrl)
      if (generation !== this.#generation) return
      if (answer.status === 200 && answer.body) {
        this.#show(this.#render(answer.body, pageUrl))
        this.dispatchEvent(new CustomEvent('kca-load', { detail: { type, slug, locale: answer.body.locale } }))
      } else {
        this.#fromProblem(labels, locale, answer)
      }
    } catch (error) {
      if (generation !== this.#generation) return
      this.#problem(labels, locale, { kind: 'error', title: labels.failed, text: labels.retry, code: null, href: pageUrl.href })
      this.dispatchEvent(new CustomEvent('kca-error', { detail: { status: 0, message: String(error?.message ?? error) } }))
    } finally {
      if (generation === this.#generation) this.removeAttribute('aria-busy')
    }
  }

  /** The notice an API problem stands for: the tombstone of a withdrawn entity, not found, or a failure. */
  #fromProblem (labels, locale, { status, body }) {
    const code = body?.code ?? null
    const tombstone = body?.tombstone
    if (status === 410 && tombstone) {
      const language = locale ?? (LOCALES.includes(tombstone.locale) ? tombstone.locale : 'en')
      const texts = LABELS[language]
      this.#problem(texts, language, {
        kind: 'gone',
        title: texts.goneTitle,
        text: texts.gone(formatDate(tombstone.withdrawnAt, language), tombstone.release),
        reason: tombstone.changeNote,
        history: new URL(tombstone.versions.replace(/^\//, ''), API_BASE).href,
        code
      })
    } else if (status === 404) {
      this.#problem(labels, locale, { kind: 'not-found', title: labels.notFoundTitle, text: labels.notFound, code })
    } else {
      this.#problem(labels, locale, { kind: 'error', title: labels.failed, text: body?.detail && status < 500 ? body.detail : labels.retry, code })
    }
    this.dispatchEvent(new CustomEvent('kca-error', { detail: { status, code, message: body?.detail ?? `HTTP ${status}` } }))
  }

  #problem (labels, locale, { kind, title, text, reason, history, code, href }) {
    const article = element('article', `kca-problem kca-problem--${kind}`)
    if (locale) article.lang = locale
    article.setAttribute('role', kind === 'error' ? 'alert' : 'status')
    article.append(element('h2', 'kca-problem-title', title), element('p', kind === 'gone' ? 'kca-tombstone-when' : undefined, text))
    if (reason) article.append(element('p', 'kca-tombstone-why', `${labels.reason}: ${reason}`))
    if (history) article.appendChild(element('p', 'kca-tombstone-history')).append(externalLink(history, labels.history))
    if (href) article.appendChild(element('p')).append(externalLink(href, labels.openPage))
    if (code) {
      const line = article.appendChild(element('p', 'kca-problem-code', `${labels.code}: `))
      line.append(element('code', undefined, code))
    }
    this.#show(article)
  }

  #render (entity, pageUrl) {
    const locale = LOCALES.includes(entity.locale) ? entity.locale : 'en'
    const labels = LABELS[locale]
    const meta = entity.meta
    const article = element('article', `kca-entity kca-entity--${entity.type}`)
    article.lang = locale
    article.append(element('h2', 'kca-title', entity.title))
    if (meta.localeFallback) {
      const notice = element('p', 'kca-notice', LABELS[meta.requestedLocale]?.notTranslated ?? '')
      notice.lang = meta.requestedLocale
      article.append(notice)
    }
    article.append(element('p', 'kca-summary', entity.summary), reviewLine(entity, labels, locale))
    if (entity.crisisResources?.length > 0) article.append(crisisBlock(entity.crisisResources, labels))

    const sources = numberedSources(entity)
    const references = element('ol', 'kca-citations')
    const items = sources.map((source) => references.appendChild(citationItem(source)))
    const numbers = new Map(sources.map((source, index) => [source.id, index + 1]))
    for (const section of entity.sections) {
      const block = article.appendChild(element('section', `kca-section kca-section--${section.aspect}`))
      block.append(element('h3', 'kca-section-heading', section.heading))
      appendMarkdown(block.appendChild(element('div', 'kca-section-body')), section.body)
      const cited = section.citations.map((id) => numbers.get(id)).filter(Boolean)
      if (cited.length === 0) continue
      const markers = block.appendChild(element('p', 'kca-section-citations', `${labels.sources}: `))
      for (const number of cited) {
        // Fragment links cannot reach into shadow DOM, so the marker scrolls to its reference itself.
        const marker = element('a', 'kca-cite', `[${number}]`)
        marker.href = `#${number}`
        marker.setAttribute('aria-label', `${labels.reference} ${number}`)
        marker.addEventListener('click', (event) => {
          event.preventDefault()
          items[number - 1].scrollIntoView({ block: 'center' })
        })
        markers.append(marker, ' ')
      }
    }
    const referencesBlock = article.appendChild(element('section', 'kca-references'))
    referencesBlock.append(element('h3', 'kca-section-heading', labels.references), references)

    const footer = article.appendChild(element('footer', 'kca-footer'))
    // The API's meta.attribution is one English line that already names the licence: the widget says the
    // credit in the text's language and names the licence once, as its link.
    const attribution = footer.appendChild(element('p', 'kca-attribution', `${labels.attribution}. ${labels.license}: `))
    const licenseUrl = safeHref(meta.licenseUrl)
    if (licenseUrl) {
      const license = externalLink(licenseUrl, meta.license)
      license.className = 'kca-license'
      license.rel = 'license noopener nofollow'
      attribution.append(license)
    } else {
      attribution.append(meta.license)
    }
    footer.append(element('p', 'kca-disclaimer', meta.disclaimer))
    footer.appendChild(element('p')).append(externalLink(pageUrl.href, labels.openPage))
    return article
  }
}

// Fits iframes of embed pages to their content. Only our origin, and only a frame of this page, is obeyed;
// a frame with data-kca-max-height (oEmbed's maxheight) never grows past it.
const FRAME_SHEET = 'iframe.kca-frame { display: block; border: 0; max-width: 100%; }'

function fitFrames () {
  if (typeof CSSStyleSheet.prototype.replaceSync === 'function' && 'adoptedStyleSheets' in document) {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(FRAME_SHEET)
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
  }
  window.addEventListener('message', (event) => {
    if (event.origin !== API_BASE.origin || event.data?.type !== 'kca:resize' || !Number.isFinite(event.data.height)) return
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue
      const limit = Number(frame.dataset.kcaMaxHeight) || Number.POSITIVE_INFINITY
      frame.height = String(Math.min(Math.max(0, Math.ceil(event.data.height)), limit))
    }
  })
  // A frame that loaded before this module did has already reported: ask it again. The request carries
  // nothing, and a frame still blank ignores it (then reports itself when it loads).
  for (const frame of document.querySelectorAll('iframe')) {
    let origin = null
    try { origin = new URL(frame.src).origin } catch {}
    if (origin === API_BASE.origin) frame.contentWindow?.postMessage({ type: 'kca:measure' }, '*')
  }
}

if (!globalThis.__ketamineContentFrames) {
  globalThis.__ketamineContentFrames = true
  fitFrames()
}
if (!customElements.get('ketamine-content')) customElements.define('ketamine-content', KetamineContent)
