// The HTML fragment of one entity: what a partner pastes into a page (GET /v1/{type}/{slug}?format=html) and
// what the embed page wraps. Every class is prefixed `kca-` so partners can style it without collisions:
//
//   kca-entity, kca-entity--{type}      the <article>; lang is the language of the text actually sent
//   kca-header, kca-title, kca-summary  heading block
//   kca-notice                          "not translated yet" notice when the requested locale fell back to English
//   kca-review, kca-review--{status}    review line: unreviewed | reviewed (with the date the next review is due)
//   kca-crisis, kca-crisis-resource     crisis lines (mental-health entities)
//   kca-facts                           <dl> of type-specific facts; kca-steps: a mechanism's ordered steps
//   kca-section, kca-section--{aspect}  one per section; kca-section-heading (<h2> with an id), kca-section-body
//   kca-section-citations, kca-cite     "Sources: [1] [2]" markers linking to the numbered references
//   kca-related, kca-related-type       related entities, each labelled with its type
//   kca-references, kca-citations       the numbered <ol> of references; kca-citation per item, kca-citation-unverified
//   kca-footer, kca-attribution, kca-license, kca-disclaimer, kca-version
//
// Markdown: markdown-it with `html: false` never copies raw HTML from a body into the output (it is escaped
// as text), images become plain links (an image would make partner pages fetch third-party URLs) and links
// are allowed only to http(s), mailto and tel. The rendered body then passes through sanitize-html with an
// allow-list of exactly the tags markdown-it can produce. The second pass is deliberate defence in depth:
// the guarantee then does not rest on markdown-it's options or plugins staying as they are, and it is where
// every link gets rel="noopener nofollow".
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'
import type { EntityType, Locale } from '../../schema/common.js'
import type { CrisisResource, Link, Section, Source } from '../../schema/entity.js'
import type { PublishedDocument } from '../content/materialise.js'
import type { ResolvedEntity } from './release-snapshot.js'
import { DISCLAIMERS, LICENSE } from './representation.js'

export interface HtmlFragmentOptions {
  /** The locale the client asked for; the text may be English when no translation exists. */
  locale: Locale
  /** `_blank` inside an iframe, where following a link in place would replace the embedded content. */
  linkTarget?: '_blank' | undefined
  /** Where a related entity is read by people; without it, related entities are listed by title only. */
  relatedHref?: ((link: Link) => string) | undefined
}

const SAFE_LINK = /^(?:https?:\/\/|mailto:|tel:)/i

const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false })
// An image would make every page showing the fragment fetch a third-party URL: it becomes a link instead.
markdown.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index]
  if (!token) return ''
  const alt = self.renderInlineAsText(token.children ?? [], options, env)
  return `<a href="${escapeHtml(String(token.attrGet('src') ?? ''))}">${escapeHtml(alt)}</a>`
}
markdown.validateLink = (url) => SAFE_LINK.test(url.trim())

const BODY_TAGS = ['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
  'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td']

function sanitizeBody (html: string, linkTarget: '_blank' | undefined): string {
  return sanitizeHtml(html, {
    allowedTags: BODY_TAGS,
    allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'] },
    allowedSchemes: ['https', 'http', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener nofollow', ...(linkTarget ? { target: linkTarget } : {}) } })
    }
  })
}

/** Markdown of a section body as sanitized HTML; no heading in it outranks the section's own <h2>. */
export function renderMarkdown (body: string, linkTarget?: '_blank'): string {
  const tokens = markdown.parse(body, {})
  for (const token of tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.max(3, Number(token.tag.slice(1)))}`
    }
  }
  return sanitizeBody(markdown.renderer.render(tokens, markdown.options, {}), linkTarget)
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character)
}

export interface Labels {
  notTranslated: string
  unreviewed: string
  reviewedBy: string
  lastReviewed: string
  reviewDue: string
  crisisHeading: string
  call: string
  text: string
  sources: string
  reference: string
  references: string
  unverified: string
  /** Credit line without the licence name, which follows it once as the linked "Licence: …". */
  attribution: string
  license: string
  version: (version: number, date: string) => string
  alsoKnownAs: string
  evidenceStatus: string
  regulation: string
  protocol: { route: string, sessionLength: string, course: string }
  category: string
  severity: string
  frequency: string
  treatments: string
  mitigation: string
  targets: string
  steps: string
  level: string
  related: string
  types: Record<EntityType, string>
  values: Record<string, string>
}

export const LABELS: Record<Locale, Labels> = {
  en: {
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
    unverified: 'No identifier could be confirmed for this record.',
    attribution: 'Ketamine therapy content © ketamine-content-api contributors',
    license: 'Licence',
    version: (version, date) => `Version ${version}, published ${date}`,
    alsoKnownAs: 'Also known as',
    evidenceStatus: 'Status of ketamine for this condition',
    regulation: 'Approval and regulation',
    protocol: { route: 'How it is given', sessionLength: 'Session', course: 'Course' },
    category: 'Kind of risk',
    severity: 'Severity',
    frequency: 'How common',
    treatments: 'Applies to',
    mitigation: 'What reduces the risk',
    targets: 'Targets',
    steps: 'Step by step',
    level: 'Written for',
    related: 'Related',
    types: { topic: 'topic', condition: 'condition', risk: 'risk', mechanism: 'how it works' },
    values: {
      approved: 'approved',
      'off-label-with-evidence': 'off-label, with supporting evidence',
      investigational: 'investigational',
      'not-approved': 'not approved',
      'off-label': 'off-label',
      controlled: 'controlled substance',
      'side-effect': 'side effect',
      contraindication: 'contraindication',
      misuse: 'misuse',
      'long-term-unknown': 'long-term effects not known',
      interaction: 'interaction',
      low: 'low',
      moderate: 'moderate',
      high: 'high',
      common: 'common',
      uncommon: 'uncommon',
      rare: 'rare',
      unknown: 'not known',
      'ketamine-infusion': 'ketamine infusion',
      'esketamine-nasal-spray': 'esketamine nasal spray',
      'oral-or-other-ketamine': 'oral or other forms of ketamine',
      'non-medical-use': 'non-medical use',
      lay: 'general readers',
      clinician: 'clinicians'
    }
  },
  es: {
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
    unverified: 'No se pudo confirmar ningún identificador de este registro.',
    attribution: 'Contenido sobre terapia con ketamina © colaboradores de ketamine-content-api',
    license: 'Licencia',
    version: (version, date) => `Versión ${version}, publicada el ${date}`,
    alsoKnownAs: 'También llamado',
    evidenceStatus: 'Situación de la ketamina para este trastorno',
    regulation: 'Aprobación y regulación',
    protocol: { route: 'Cómo se administra', sessionLength: 'Sesión', course: 'Tratamiento' },
    category: 'Tipo de riesgo',
    severity: 'Gravedad',
    frequency: 'Frecuencia',
    treatments: 'Se aplica a',
    mitigation: 'Qué reduce el riesgo',
    targets: 'Dianas',
    steps: 'Paso a paso',
    level: 'Dirigido a',
    related: 'Relacionado',
    types: { topic: 'tema', condition: 'trastorno', risk: 'riesgo', mechanism: 'cómo actúa' },
    values: {
      approved: 'aprobada',
      'off-label-with-evidence': 'fuera de indicación, con evidencia a favor',
      investigational: 'en investigación',
      'not-approved': 'no aprobada',
      'off-label': 'fuera de indicación',
      controlled: 'sustancia controlada',
      'side-effect': 'efecto secundario',
      contraindication: 'contraindicación',
      misuse: 'mal uso',
      'long-term-unknown': 'efectos a largo plazo desconocidos',
      interaction: 'interacción',
      low: 'baja',
      moderate: 'moderada',
      high: 'alta',
      common: 'frecuente',
      uncommon: 'poco frecuente',
      rare: 'rara',
      unknown: 'desconocida',
      'ketamine-infusion': 'infusión de ketamina',
      'esketamine-nasal-spray': 'esketamina en espray nasal',
      'oral-or-other-ketamine': 'ketamina oral u otras formas',
      'non-medical-use': 'uso no médico',
      lay: 'público general',
      clinician: 'profesionales clínicos'
    }
  }
}

export function formatDate (isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`))
}

function time (isoDate: string, locale: Locale): string {
  return `<time datetime="${escapeHtml(isoDate.slice(0, 10))}">${escapeHtml(formatDate(isoDate, locale))}</time>`
}

/** Prefix of every id in a fragment, so two fragments on one partner page never share an id. */
export function idPrefix (type: EntityType, slug: string): string {
  return `kca-${type}-${slug}`
}

export function doiUrl (doi: string): string {
  return `https://doi.org/${doi.split('/').map(encodeURIComponent).join('/')}`
}

export function pubmedUrl (pmid: string): string {
  return `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`
}

/** Sources numbered in the order sections first cite them; sources no section cites come last. */
export function numberedSources (document: Pick<PublishedDocument, 'sections' | 'sources'>): Source[] {
  const order = [...new Set([...document.sections.flatMap((section) => section.citations), ...document.sources.map((source) => source.id)])]
  const byId = new Map(document.sources.map((source) => [source.id, source]))
  return order.map((id) => byId.get(id)).filter((source): source is Source => source !== undefined)
}

/** A pure function of the stored version and the options: nothing here reads the clock or another entity. */
export function renderHtmlFragment (resolved: ResolvedEntity, options: HtmlFragmentOptions): string {
  const { entity, fallback } = resolved
  const document = entity.document
  // Labels follow the text actually sent, so an English fallback reads as one language throughout.
  const language = document.locale
  const labels = LABELS[language]
  const prefix = idPrefix(document.type, document.slug)
  const sources = numberedSources(document)
  const numbers = new Map(sources.map((source, index) => [source.id, index + 1]))
  const linkAttributes = `rel="noopener nofollow"${options.linkTarget ? ` target="${options.linkTarget}"` : ''}`

  const parts = [
    `<article class="kca-entity kca-entity--${document.type}" lang="${language}" id="${prefix}" aria-labelledby="${prefix}-title">`,
    '<header class="kca-header">',
    `<h1 class="kca-title" id="${prefix}-title">${escapeHtml(document.title)}</h1>`,
    fallback ? `<p class="kca-notice" lang="${options.locale}">${escapeHtml(LABELS[options.locale].notTranslated)}</p>` : '',
    `<p class="kca-summary">${escapeHtml(document.summary)}</p>`,
    reviewLine(document, language),
    '</header>',
    crisisBlock(document.crisisResources, labels, prefix, linkAttributes),
    factsBlock(document, labels),
    ...document.sections.map((section) => sectionBlock(section, labels, prefix, numbers, options.linkTarget)),
    relatedBlock(document, labels, prefix, options.relatedHref),
    `<section class="kca-references" aria-labelledby="${prefix}-references">`,
    `<h2 class="kca-section-heading" id="${prefix}-references">${labels.references}</h2>`,
    '<ol class="kca-citations">',
    ...sources.map((source, index) => citationItem(source, index + 1, labels, prefix, linkAttributes)),
    '</ol>',
    '</section>',
    '<footer class="kca-footer">',
    `<p class="kca-attribution">${escapeHtml(labels.attribution)}. ${labels.license}: <a class="kca-license" href="${LICENSE.url}" rel="license noopener nofollow"${options.linkTarget ? ` target="${options.linkTarget}"` : ''}>${LICENSE.name}</a></p>`,
    `<p class="kca-disclaimer">${escapeHtml(DISCLAIMERS[language])}</p>`,
    `<p class="kca-version">${escapeHtml(labels.version(entity.version, formatDate(entity.publishedAt.toISOString(), language)))}</p>`,
    '</footer>',
    '</article>'
  ]
  return parts.filter(Boolean).join('\n')
}

function reviewLine (document: PublishedDocument, locale: Locale): string {
  const labels = LABELS[locale]
  const review = document.review
  if (review.reviewStatus === 'unreviewed' || !review.lastReviewed) {
    return `<p class="kca-review kca-review--unreviewed">${labels.unreviewed}</p>`
  }
  const reviewers = (review.reviewedBy ?? []).map((reviewer) => `${escapeHtml(reviewer.name)}, ${escapeHtml(reviewer.credentials)}`).join('; ')
  // The due date is stated, not judged: whether it has passed depends on when the page is read.
  const next = review.nextReviewDue ? ` ${labels.reviewDue} ${time(review.nextReviewDue, locale)}.` : ''
  return `<p class="kca-review kca-review--${review.reviewStatus}">${labels.reviewedBy} ${reviewers}. ${labels.lastReviewed} ${time(review.lastReviewed, locale)}.${next}</p>`
}

function crisisBlock (resources: CrisisResource[], labels: Labels, prefix: string, linkAttributes: string): string {
  if (resources.length === 0) return ''
  const items = resources.map((resource) => {
    const reach = [
      resource.phone ? `${labels.call} <a href="tel:${escapeHtml(resource.phone.replace(/[^0-9+]/g, ''))}">${escapeHtml(resource.phone)}</a>` : '',
      resource.text ? `${labels.text} ${escapeHtml(resource.text)}` : '',
      resource.url ? `<a href="${escapeHtml(resource.url)}" ${linkAttributes}>${escapeHtml(new URL(resource.url).hostname)}</a>` : ''
    ].filter(Boolean).join(' · ')
    return `<li class="kca-crisis-resource"><strong>${escapeHtml(resource.name)}</strong> (${escapeHtml(resource.country)})` +
      `${reach ? `: ${reach}` : ''}${resource.hours ? ` — ${escapeHtml(resource.hours)}` : ''}. ${escapeHtml(resource.description)}</li>`
  })
  return `<aside class="kca-crisis" aria-labelledby="${prefix}-crisis">\n<h2 class="kca-crisis-heading" id="${prefix}-crisis">${labels.crisisHeading}</h2>\n<ul>\n${items.join('\n')}\n</ul>\n</aside>`
}

function fact (term: string, definition: string): string {
  return `<dt>${term}</dt><dd>${definition}</dd>`
}

function factsBlock (document: PublishedDocument, labels: Labels): string {
  const value = (key: string) => escapeHtml(labels.values[key] ?? key)
  const facts: string[] = []
  if (document.type === 'condition') {
    if (document.alsoKnownAs.length > 0) facts.push(fact(labels.alsoKnownAs, document.alsoKnownAs.map(escapeHtml).join(', ')))
    facts.push(fact(labels.evidenceStatus, value(document.evidenceStatus)))
    facts.push(fact(labels.regulation, `<ul>${document.regulatory.map((entry) =>
      `<li>${escapeHtml(entry.jurisdiction)} · ${escapeHtml(entry.body)}: ${value(entry.status)}${entry.year ? ` (${entry.year})` : ''}. ${escapeHtml(entry.note)}</li>`).join('')}</ul>`))
    facts.push(fact(labels.protocol.route, escapeHtml(document.typicalProtocol.route)))
    facts.push(fact(labels.protocol.sessionLength, escapeHtml(document.typicalProtocol.sessionLength)))
    facts.push(fact(labels.protocol.course, escapeHtml(document.typicalProtocol.course)))
  } else if (document.type === 'risk') {
    facts.push(fact(labels.category, value(document.category)))
    facts.push(fact(labels.severity, value(document.severity)))
    facts.push(fact(labels.frequency, value(document.frequency)))
    facts.push(fact(labels.treatments, document.treatments.map(value).join(', ')))
    facts.push(fact(labels.mitigation, escapeHtml(document.mitigation)))
  } else if (document.type === 'mechanism') {
    facts.push(fact(labels.level, value(document.level)))
    facts.push(fact(labels.targets, document.targets.map(escapeHtml).join(', ')))
    facts.push(fact(labels.steps, `<ol class="kca-steps">${document.steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('')}</ol>`))
  }
  return facts.length > 0 ? `<dl class="kca-facts">${facts.join('')}</dl>` : ''
}

function sectionBlock (section: Section, labels: Labels, prefix: string, numbers: Map<string, number>, linkTarget: '_blank' | undefined): string {
  const headingId = `${prefix}-${section.id}`
  const markers = section.citations
    .map((id) => numbers.get(id))
    .filter((number): number is number => number !== undefined)
    .map((number) => `<a class="kca-cite" href="#${prefix}-ref-${number}" aria-label="${labels.reference} ${number}">[${number}]</a>`)
  return [
    `<section class="kca-section kca-section--${section.aspect}" aria-labelledby="${headingId}">`,
    `<h2 class="kca-section-heading" id="${headingId}">${escapeHtml(section.heading)}</h2>`,
    `<div class="kca-section-body">${renderMarkdown(section.body, linkTarget)}</div>`,
    markers.length > 0 ? `<p class="kca-section-citations">${labels.sources}: ${markers.join(' ')}</p>` : '',
    '</section>'
  ].filter(Boolean).join('\n')
}

function relatedBlock (document: PublishedDocument, labels: Labels, prefix: string, href: HtmlFragmentOptions['relatedHref']): string {
  if (document.related.length === 0) return ''
  const items = document.related.map((link) => {
    const title = escapeHtml(link.title)
    const name = href ? `<a href="${escapeHtml(href(link))}">${title}</a>` : title
    // An untranslated entity's English title is marked as English, so screen readers pronounce it right.
    const language = link.locale !== document.locale ? ` lang="${link.locale}"` : ''
    return `<li><span${language}>${name}</span> <span class="kca-related-type">(${labels.types[link.type]})</span></li>`
  })
  return `<nav class="kca-related" aria-labelledby="${prefix}-related">\n<h2 class="kca-section-heading" id="${prefix}-related">${labels.related}</h2>\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`
}

/** Text ending in a full stop, without doubling one already there ("et al."). */
function sentence (text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`
}

function citationItem (source: Source, number: number, labels: Labels, prefix: string, linkAttributes: string): string {
  const links: string[] = []
  const identifierUrls = new Set<string>()
  if (source.doi) {
    identifierUrls.add(doiUrl(source.doi))
    links.push(`<a href="${escapeHtml(doiUrl(source.doi))}" ${linkAttributes}>doi:${escapeHtml(source.doi)}</a>`)
  }
  if (source.pmid) {
    identifierUrls.add(pubmedUrl(source.pmid))
    links.push(`<a href="${escapeHtml(pubmedUrl(source.pmid))}" ${linkAttributes}>PMID ${escapeHtml(source.pmid)}</a>`)
  }
  // A URL that only repeats the DOI or PubMed link would be the same link twice.
  if (source.url && !identifierUrls.has(source.url)) {
    links.push(`<a href="${escapeHtml(source.url)}" ${linkAttributes}>${escapeHtml(new URL(source.url).hostname)}</a>`)
  }
  const published = [source.year ? String(source.year) : '', source.citation ?? ''].filter(Boolean).join(';')
  return [
    `<li class="kca-citation${source.verified ? '' : ' kca-citation-unverified'}" id="${prefix}-ref-${number}">`,
    `${escapeHtml(sentence(source.authors))} ${escapeHtml(sentence(source.title))} <cite>${escapeHtml(source.publisher)}</cite>${published ? ` ${escapeHtml(published)}` : ''}.`,
    links.length > 0 ? ` ${links.join(' · ')}` : '',
    source.verified ? '' : ` <span>${labels.unverified}</span>`,
    '</li>'
  ].join('')
}
