// <ketamine-content>: shows one entity of ketamine-content-api on a partner's page.
//
//   <script type="module" src="https://<api host>/embed.js"></script>
//   <ketamine-content type="condition" slug="ptsd" locale="es"></ketamine-content>
//
// Attributes: type (topic | condition | risk | mechanism, plural accepted), slug, locale (en | es; without it
// the browser's Accept-Language decides) and release (pin the content to one release).
// It reads the JSON of the entity from the origin this module was loaded from and renders it into shadow
// DOM. CSP-friendly: no eval, no inline handlers, no innerHTML; every piece of text becomes a text node, and
// the styles are a constructed stylesheet, so a partner's `style-src` needs no 'unsafe-inline'.
/* global HTMLElement, CSSStyleSheet, customElements */
const API_BASE = new URL('.', import.meta.url)
const PLURALS = { topic: 'topics', condition: 'conditions', risk: 'risks', mechanism: 'mechanisms' }
const LOCALES = ['en', 'es']
const SAFE_PROTOCOLS = ['https:', 'http:', 'mailto:', 'tel:']

const LABELS = {
  en: {
    loading: 'Loading…',
    failed: 'This content could not be loaded.',
    openPage: 'Open it on its own page',
    notTranslated: 'This content has not been translated into English yet.',
    unreviewed: 'Not yet reviewed by a clinician',
    reviewedBy: 'Reviewed by',
    lastReviewed: 'Last reviewed',
    crisisHeading: 'If you need help now',
    call: 'Call',
    sources: 'Sources',
    reference: 'Reference',
    references: 'References',
    license: 'Licence'
  },
  es: {
    loading: 'Cargando…',
    failed: 'No se pudo cargar este contenido.',
    openPage: 'Abrirlo en su propia página',
    notTranslated: 'Este contenido aún no está traducido al español; se muestra en inglés.',
    unreviewed: 'Aún no revisado por un profesional clínico',
    reviewedBy: 'Revisado por',
    lastReviewed: 'Última revisión',
    crisisHeading: 'Si necesita ayuda ahora',
    call: 'Llame al',
    sources: 'Fuentes',
    reference: 'Referencia',
    references: 'Referencias',
    license: 'Licencia'
  }
}

const STYLES = `
:host { display: block; font: inherit; line-height: 1.6; overflow-wrap: anywhere; }
:host([hidden]) { display: none; }
a { color: inherit; }
.kca-title { font-size: 1.4em; line-height: 1.25; margin: 0 0 .5em; }
.kca-summary { font-size: 1.05em; }
.kca-notice, .kca-review { padding: .3em .6em; border-left: 4px solid #9aa5b1; }
.kca-review--unreviewed, .kca-review--overdue { border-left-color: #e0a040; font-weight: 600; }
.kca-crisis { border: 1px solid #e0a040; border-radius: .4em; padding: .2em 1em; margin: 1em 0; }
.kca-crisis-heading { font-size: 1.1em; margin: .5em 0; }
.kca-section-heading { font-size: 1.15em; margin: 1.4em 0 .4em; }
.kca-section-citations, .kca-footer, .kca-citations { font-size: .9em; }
.kca-cite { text-decoration: none; }
.kca-footer { margin-top: 1.5em; padding-top: .5em; border-top: 1px solid #9aa5b1; }
.kca-status { opacity: .8; }
.kca-error { border-left: 4px solid #c0392b; padding: .3em .6em; }
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
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`))
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
  line.textContent = `${labels.reviewedBy} ${reviewers}. ${labels.lastReviewed} ${formatDate(review.lastReviewed, locale)}.`
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
    if (resource.phone) {
      const tel = element('a', undefined, resource.phone)
      tel.href = `tel:${resource.phone.replace(/[^0-9+]/g, '')}`
      item.append(`: ${labels.call} `, tel)
    }
    const url = resource.url && safeHref(resource.url)
    if (url) item.append(' · ', externalLink(url, new URL(url).hostname))
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

class KetamineContent extends HTMLElement {
  static observedAttributes = ['type', 'slug', 'locale', 'release']

  #root
  #controller = null

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
    this.#load()
  }

  disconnectedCallback () {
    this.#controller?.abort()
  }

  attributeChangedCallback () {
    if (this.isConnected) this.#load()
  }

  get #locale () {
    const locale = this.getAttribute('locale')
    return LOCALES.includes(locale) ? locale : null
  }

  #show (...nodes) {
    for (const node of [...this.#root.childNodes]) if (node.nodeName !== 'STYLE') node.remove()
    this.#root.append(...nodes)
  }

  async #load () {
    this.#controller?.abort()
    const controller = new AbortController()
    this.#controller = controller
    const labels = LABELS[this.#locale ?? 'en']
    const typeAttribute = this.getAttribute('type') ?? ''
    const plural = PLURALS[typeAttribute] ?? (Object.values(PLURALS).includes(typeAttribute) ? typeAttribute : null)
    const slug = this.getAttribute('slug') ?? ''
    const release = this.getAttribute('release')
    const pageUrl = plural && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) ? new URL(`embed/${plural}/${slug}`, API_BASE) : null
    if (!pageUrl) return this.#fail(labels, null)
    const apiUrl = new URL(`v1/${plural}/${slug}`, API_BASE)
    for (const url of [pageUrl, apiUrl]) {
      if (this.#locale) url.searchParams.set('locale', this.#locale)
      if (release && /^[1-9]\d*$/.test(release)) url.searchParams.set('release', release)
    }
    this.setAttribute('aria-busy', 'true')
    const status = element('p', 'kca-status', labels.loading)
    status.setAttribute('role', 'status')
    this.#show(status)
    try {
      const response = await fetch(apiUrl, { signal: controller.signal, credentials: 'omit', headers: { accept: 'application/json' } })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const entity = await response.json()
      if (controller.signal.aborted) return
      this.#show(this.#render(entity, pageUrl))
    } catch (error) {
      if (controller.signal.aborted) return
      this.#fail(labels, pageUrl)
      this.dispatchEvent(new CustomEvent('kca-error', { detail: { message: String(error?.message ?? error) } }))
    } finally {
      if (this.#controller === controller) this.removeAttribute('aria-busy')
    }
  }

  #fail (labels, pageUrl) {
    const message = element('p', 'kca-error', `${labels.failed} `)
    message.setAttribute('role', 'alert')
    if (pageUrl) message.append(externalLink(pageUrl.href, labels.openPage))
    this.#show(message)
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
    const attribution = footer.appendChild(element('p', 'kca-attribution', `${meta.attribution}. ${labels.license}: `))
    const licenseUrl = safeHref(meta.licenseUrl)
    if (licenseUrl) {
      const license = externalLink(licenseUrl, meta.license)
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

if (!customElements.get('ketamine-content')) customElements.define('ketamine-content', KetamineContent)
