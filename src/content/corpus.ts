// Reads the editors' files in seeds/, validates them with the schemas in schema/ and builds the documents
// that get hashed and published. Every problem names the file, its line and column there, the field path, the
// offending text and what is allowed; one root cause gives one problem (see "Dependent problems" below).
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { TSchema } from '@sinclair/typebox'
import { ENTITY_TYPES, LOCALES, SLUG_PATTERN, type EntityType, type Locale } from '../../schema/common.js'
import {
  ASPECTS, DocumentSchemas, type CrisisResource, type EntityDocument, type Link, type Section, type Source
} from '../../schema/entity.js'
import {
  CrisisResourcesFileSchema, FrontMatterSchemas, SourcesFileSchema, TranslationFrontMatterSchema
} from '../../schema/content-file.js'
import { compileValidator, markdownIn, type FieldProblem } from './validation.js'
import { didYouMean, inFileOrder, ProblemCollector, shortQuote, TextPositions, YamlLocator, type ContentProblem, type Location } from './problems.js'
import { codeProblem } from './codes.js'
import { plainTextOfMarkdown, readingGrade } from './reading-grade.js'
import { englishTextHash, TRANSLATABLE_BY_TYPE, translationStatus } from './translation.js'

export type { ContentProblem }

export interface BuiltEntity {
  document: EntityDocument
  status: 'published' | 'draft'
  sourceFile: string
}

export interface ReadingReportRow {
  type: EntityType,
  slug: string,
  locale: Locale,
  audience: string
  grade: number,
  summaryGrade: number,
  overviewGrade: number | null,
  aboveTarget: boolean
}

export interface Corpus {
  entities: BuiltEntity[]
  sources: Source[]
  problems: ContentProblem[]
  /** What an editor should know but that does not stop a publish: translations behind their English text. */
  warnings: ContentProblem[]
  readingReport: ReadingReportRow[]
}

/** Patient-facing summaries and overviews should read at this school grade or below. */
export const PATIENT_READING_GRADE_TARGET = 9

const validators = {
  frontMatter: Object.fromEntries(ENTITY_TYPES.map((type) => [type, compileValidator(FrontMatterSchemas[type] as TSchema, { plainText: true })])) as Record<EntityType, ReturnType<typeof compileValidator>>,
  translation: compileValidator(TranslationFrontMatterSchema, { plainText: true }),
  sources: compileValidator(SourcesFileSchema, { plainText: true }),
  crisis: compileValidator(CrisisResourcesFileSchema, { plainText: true }),
  document: Object.fromEntries(ENTITY_TYPES.map((type) => [type, compileValidator(DocumentSchemas[type] as TSchema)])) as Record<EntityType, ReturnType<typeof compileValidator>>
}

interface ParsedFile {
  file: string
  type: EntityType
  slug: string
  locale: Locale
  frontMatter: Record<string, unknown>
  sections: ParsedSection[]
}

interface ParsedSection {
  id: string
  heading: string
  aspect?: string
  cites?: string[]
  body: string
  /** Line of the `## ` heading. */
  line: number
  /** Line and text of the `<!-- id: … -->` comment (the heading's when there is none). */
  metaLine: number
  metaText: string
}

/** A problem found while parsing, placed by line when it is about the body or a YAML syntax error. */
export interface ParseProblem extends FieldProblem { line?: number, column?: number }

type Report = ProblemCollector['add']

// Dependent problems: a problem whose cause is reported elsewhere is not reported again.
// - sources.yaml unreadable → no "unknown source" anywhere; one entry broken → no "unknown source" for its id.
// - an unknown source id → one problem at its first use, naming every other place that lists it.
// - an English file that is broken (unparsable or invalid front matter) → its translation is not checked against
//   it and links to it are not reported; only a missing English file makes "a translation needs the English file".
//   If its source list cannot be read, no source is reported as "cited by no entity".
export async function loadCorpus (seedsDir: string): Promise<Corpus> {
  const collector = new ProblemCollector()
  const report: Report = collector.add.bind(collector)
  const display = (absolute: string) => relative(process.cwd(), absolute) || absolute

  const sourcesFile = display(join(seedsDir, 'sources.yaml'))
  const sourcesRead = await readYamlFile(join(seedsDir, 'sources.yaml'), validators.sources, sourcesFile, collector)
  const sourceEntries = entriesOf(sourcesRead.value, 'sources')
  // An empty or missing list is one problem on sources.yaml, not an "unknown source" for every id an entity lists.
  const sourcesUnavailable = sourceEntries === null || sourcesRead.problems.some((problem) => problem.path === '' || problem.path === 'sources')
  const sourceById = new Map<string, Source>()
  const brokenSourceIds = new Set<string>()
  for (const [index, entry] of (sourceEntries ?? []).entries()) {
    const id = (entry as { id?: unknown } | null)?.id
    if (typeof id !== 'string') continue
    const broken = sourcesRead.problems.some((problem) => problem.path === `sources[${index}]` || problem.path.startsWith(`sources[${index}].`))
    if (sourceById.has(id) || (brokenSourceIds.has(id) && !broken)) report(sourcesFile, `sources[${index}].id`, `duplicate source id "${id}"; each source is listed once`)
    if (broken) {
      brokenSourceIds.add(id)
      continue
    }
    const source = entry as Source
    if (!source.doi && !source.pmid && !source.url && source.verified) {
      report(sourcesFile, `sources[${index}].verified`, 'a source with no DOI, PMID or URL must be marked verified: false')
    }
    sourceById.set(id, source)
  }
  const sourceIsKnown = (id: string) => sourcesUnavailable || sourceById.has(id) || brokenSourceIds.has(id)
  const unknownSourceUses = new Map<string, Array<{ file: string, path: string }>>()
  const useUnknownSource = (id: string, file: string, path: string) => {
    unknownSourceUses.set(id, [...(unknownSourceUses.get(id) ?? []), { file, path }])
  }

  const crisisFile = display(join(seedsDir, 'crisis-resources.yaml'))
  const crisisRead = await readYamlFile(join(seedsDir, 'crisis-resources.yaml'), validators.crisis, crisisFile, collector)
  const crisis = crisisRead.problems.length === 0 ? crisisRead.value as { locales: Record<Locale, CrisisResource[]> } : null
  const usedSources = new Set<string>()
  for (const [locale, resources] of Object.entries(crisis?.locales ?? {})) {
    for (const [index, resource] of resources.entries()) {
      if (!resource.source) continue
      if (!sourceIsKnown(resource.source)) useUnknownSource(resource.source, crisisFile, `locales.${locale}[${index}].source`)
      usedSources.add(resource.source)
    }
  }

  const parsed: ParsedFile[] = []
  /** Every English file present, parsable or not: what links and translations are checked against. */
  const englishFiles = new Map<string, 'published' | 'draft' | 'broken'>()
  /** False when an English file's source list could not be read: "cited by no entity" cannot be known then. */
  let everySourceListRead = true
  for (const type of ENTITY_TYPES) {
    const directory = join(seedsDir, 'content', type)
    const names = await readdir(directory).catch(() => [] as string[])
    for (const name of names.sort()) {
      const file = display(join(directory, name))
      const match = new RegExp(`^(${SLUG_PATTERN.slice(1, -1)})\\.(${LOCALES.join('|')})\\.md$`).exec(name)
      if (!match) {
        report(file, '', `file name must be <slug>.<locale>.md with a kebab-case slug and a locale of ${LOCALES.join(', ')}`, { line: 1, column: 1, quote: name })
        continue
      }
      const [, slug, locale] = match as unknown as [string, string, Locale]
      const result = parseContentFile(await readFile(join(directory, name), 'utf8'))
      if (result.locator) collector.register(file, result.locator)
      for (const problem of result.problems) report(file, problem.path, problem.message, problem)
      const broken = result.frontMatter === null || result.problems.length > 0
      if (locale === 'en' && !Array.isArray(result.frontMatter?.sources)) everySourceListRead = false
      if (locale === 'en') englishFiles.set(`${type}/${slug}`, broken ? 'broken' : result.frontMatter?.status === 'draft' ? 'draft' : 'published')
      if (result.frontMatter) parsed.push({ file, type, slug, locale, frontMatter: result.frontMatter, sections: result.sections })
    }
  }

  // Front matter first, for every file, so a translation knows whether its English file is sound.
  const valid: ParsedFile[] = []
  for (const entry of parsed) {
    const isTranslation = entry.locale !== 'en'
    const problems = isTranslation ? validators.translation(entry.frontMatter) : validators.frontMatter[entry.type](entry.frontMatter)
    for (const problem of problems) {
      const message = isTranslation && problem.target === 'key'
        ? `a translation cannot set this field; it takes ${[...TRANSLATION_KEYS, ...TRANSLATABLE_BY_TYPE[entry.type]].join(', ')} (the rest comes from the English file)`
        : problem.message
      report(entry.file, problem.path, message, problem)
    }
    if (!isTranslation) {
      // Counted even when the file is invalid: its sources are not "cited by no entity".
      const listed = entry.frontMatter.sources
      if (Array.isArray(listed)) for (const id of listed) if (typeof id === 'string') usedSources.add(id)
      if (problems.length > 0) englishFiles.set(`${entry.type}/${entry.slug}`, 'broken')
    }
    if (problems.length === 0) valid.push(entry)
  }

  const english = new Map(valid.filter((entry) => entry.locale === 'en').map((entry) => [`${entry.type}/${entry.slug}`, entry]))
  const entities: BuiltEntity[] = []
  const readingReport: ReadingReportRow[] = []

  for (const entry of valid) {
    const { file } = entry
    const key = `${entry.type}/${entry.slug}`
    const isTranslation = entry.locale !== 'en'
    const base = english.get(key)
    if (isTranslation && !englishFiles.has(key)) {
      report(file, '', `a translation needs the English file seeds/content/${key}.en.md; if the entity was withdrawn, delete this translation too`, { line: 1, column: 1 })
      continue
    }
    // The English file's own problems are reported on it; nothing here can be checked against it.
    if (isTranslation && (!base || englishFiles.get(key) === 'broken')) continue
    const front = entry.frontMatter
    const englishFront = (isTranslation ? base?.frontMatter : front) as Record<string, unknown>
    if (isTranslation) {
      for (const field of Object.keys(front)) {
        if (TRANSLATION_KEYS.includes(field) || TRANSLATABLE_BY_TYPE[entry.type].includes(field)) continue
        report(file, field, `a ${entry.type} translation cannot set this field; it takes ${[...TRANSLATION_KEYS, ...TRANSLATABLE_BY_TYPE[entry.type]].join(', ')} (the rest comes from the English file)`, { target: 'key' })
      }
      checkTranslatedRegulatory(front, englishFront, file, report)
    }

    const sourceIds = englishFront.sources as string[]
    const { sections, origins } = buildSections(entry, isTranslation ? base : undefined, sourceIds, report)
    const unknownSources = sourceIds.filter((id) => !sourceIsKnown(id))
    if (!isTranslation) {
      for (const [index, id] of sourceIds.entries()) if (!sourceIsKnown(id)) useUnknownSource(id, file, `sources[${index}]`)
      const cited = new Set(sections.flatMap((section) => section.citations))
      for (const [index, id] of sourceIds.entries()) {
        if (!cited.has(id) && sourceIsKnown(id)) report(file, `sources[${index}]`, `source "${id}" is listed but no section cites it: cite it in a section's "cites:" or remove it here`)
      }
      checkCodes(front, file, report)
      checkReview(front, file, report)
    }

    const status = ((front.status ?? englishFront.status) === 'draft' || englishFront.status === 'draft') ? 'draft' : 'published'
    const text = [front.summary as string, ...sections.map((section) => `${section.heading}.\n\n${section.body}`)].join('\n\n')
    const grade = readingGrade(plainTextOfMarkdown(text), entry.locale).grade

    const typeFields: Record<string, unknown> = {}
    for (const field of Object.keys(FrontMatterSchemas[entry.type].properties)) {
      if (field in commonKeys) continue
      typeFields[field] = front[field] ?? englishFront[field]
    }
    const document = {
      type: entry.type,
      slug: entry.slug,
      locale: entry.locale,
      title: front.title,
      summary: front.summary,
      audience: englishFront.audience,
      readingGrade: grade,
      sections,
      codes: englishFront.codes ?? [],
      related: englishFront.related ?? [],
      review: englishFront.review ?? {},
      sources: sourceIds.map((id) => sourceById.get(id)).filter((source): source is Source => source !== undefined),
      crisisResources: englishFront.mentalHealth === true ? crisis?.locales[entry.locale] ?? [] : [],
      ...typeFields,
      ...(isTranslation && typeof front.translatedFrom === 'string' ? { translatedFrom: front.translatedFrom } : {})
    } as unknown as EntityDocument
    // The built document is checked as the API will serve it; what is already reported on a file is not repeated.
    const sourcesReported = unknownSources.length > 0 || sourceIds.some((id) => brokenSourceIds.has(id)) || sourcesUnavailable
    for (const problem of validators.document[entry.type](document)) {
      if (sourcesReported && problem.path.startsWith('sources')) continue
      if (crisis === null && problem.path.startsWith('crisisResources')) continue
      const section = /^sections\[(\d+)\]/.exec(problem.path)
      // Ids, aspects and citations were checked while the sections were built; heading and body were not.
      if (problem.path.startsWith('sections') && !/\.(heading|body)$/.test(problem.path)) continue
      const origin = section ? origins[Number(section[1])] : undefined
      report(file, problem.path, problem.message, origin ? { line: origin.line, column: 1, quote: `## ${origin.heading}` } : {})
    }
    entities.push({ document, status, sourceFile: file })

    const summaryGrade = readingGrade(front.summary as string, entry.locale).grade
    const overview = sections.find((section) => section.aspect === 'overview')
    const overviewGrade = overview ? readingGrade(plainTextOfMarkdown(overview.body), entry.locale).grade : null
    const audience = englishFront.audience as string
    readingReport.push({
      type: entry.type,
      slug: entry.slug,
      locale: entry.locale,
      audience,
      grade,
      summaryGrade,
      overviewGrade,
      aboveTarget: audience === 'patient' && (summaryGrade > PATIENT_READING_GRADE_TARGET || (overviewGrade ?? 0) > PATIENT_READING_GRADE_TARGET)
    })
  }

  for (const [id, uses] of unknownSourceUses) {
    const [first, ...others] = uses as [{ file: string, path: string }, ...Array<{ file: string, path: string }>]
    const elsewhere = others.length === 0
      ? ''
      : `; also listed at ${others.map((use) => { const at = collector.locate(use.file, use.path); return `${use.file}:${at.line}:${at.column}` }).join(', ')}`
    report(first.file, first.path, `unknown source "${id}": add it to seeds/sources.yaml${didYouMean(id, sourceById.keys())}${elsewhere}`)
  }
  checkLinks(entities, englishFiles, report, collector.locate.bind(collector))
  if (!sourcesUnavailable && everySourceListRead) {
    for (const [index, entry] of (sourceEntries ?? []).entries()) {
      const id = (entry as { id?: unknown } | null)?.id
      if (typeof id === 'string' && !usedSources.has(id)) {
        report(sourcesFile, `sources[${index}].id`, `source "${id}" is not cited by any entity: remove it here, or cite it from an entity`)
      }
    }
  }
  const warnings = translationWarnings(entities, collector.locate.bind(collector))
  return { entities, sources: [...sourceById.values()], problems: inFileOrder(collector.problems), warnings, readingReport }
}

const TRANSLATION_KEYS = ['title', 'summary', 'status', 'translatedFrom']

const commonKeys = { title: 1, summary: 1, audience: 1, status: 1, sources: 1, related: 1, codes: 1, mentalHealth: 1, review: 1 }

function entriesOf (value: unknown, key: string): unknown[] | null {
  const list = (value as Record<string, unknown> | null)?.[key]
  return Array.isArray(list) ? list : null
}

/** Where a word of a section's `<!-- … -->` comment stands, quoting it. */
function inMeta (section: ParsedSection, word?: string, after = 0): Location {
  const index = word === undefined ? -1 : section.metaText.indexOf(word, after)
  return index < 0
    ? { line: section.metaLine, column: 1, quote: shortQuote(section.metaText) }
    : { line: section.metaLine, column: index + 1, quote: word as string }
}

/** The built sections, and for each the parsed section it came from (where its problems are reported). */
function buildSections (entry: ParsedFile, base: ParsedFile | undefined, sourceIds: string[], report: Report): { sections: Section[], origins: ParsedSection[] } {
  const sections: Section[] = []
  const origins: ParsedSection[] = []
  const seen = new Set<string>()
  for (const [index, parsed] of entry.sections.entries()) {
    const path = `sections[${index}]`
    const citesAt = parsed.metaText.indexOf('cites')
    if (seen.has(parsed.id)) report(entry.file, `${path}.id`, `duplicate section id "${parsed.id}"; each section id appears once in a file`, inMeta(parsed, parsed.id))
    seen.add(parsed.id)
    const mark = markdownIn(parsed.heading)
    if (mark) report(entry.file, `${path}.heading`, `takes plain text, not Markdown (${mark.kind}); Markdown belongs only in section bodies`, { line: parsed.line, column: 1, quote: mark.quote })
    let aspect = parsed.aspect
    let citations = parsed.cites ?? []
    if (base) {
      if (parsed.aspect !== undefined || parsed.cites !== undefined) {
        report(entry.file, path, 'a translated section gives only its id (<!-- id: … -->); aspect and cites come from the English section', inMeta(parsed))
      }
      const original = base.sections.find((section) => section.id === parsed.id)
      if (!original) {
        report(entry.file, `${path}.id`, `no section "${parsed.id}" in the English file; its sections are ${base.sections.map((section) => section.id).join(', ')}`, inMeta(parsed, parsed.id))
        continue
      }
      aspect = original.aspect ?? original.id
      citations = original.cites ?? []
    } else {
      aspect ??= parsed.id
      if (!(ASPECTS as readonly string[]).includes(aspect)) {
        report(entry.file, `${path}.aspect`, `is not an aspect; use one of: ${ASPECTS.join(', ')}`, inMeta(parsed, aspect, parsed.metaText.indexOf('aspect') >= 0 ? parsed.metaText.indexOf('aspect') : parsed.metaText.indexOf('id')))
      }
      if (citations.length === 0) report(entry.file, `${path}.cites`, 'every section cites at least one source: add "; cites: <source id>" to its comment', inMeta(parsed))
      for (const id of citations) {
        if (!sourceIds.includes(id)) report(entry.file, `${path}.cites`, `is not in this entity's sources; it lists ${sourceIds.join(', ')}`, inMeta(parsed, id, Math.max(0, citesAt)))
      }
    }
    sections.push({ id: parsed.id, heading: parsed.heading, aspect: aspect as Section['aspect'], body: parsed.body, citations })
    origins.push(parsed)
  }
  if (base) {
    for (const original of base.sections) {
      if (!entry.sections.some((section) => section.id === original.id)) {
        report(entry.file, 'sections', `the English section "${original.id}" ("${original.heading}") is not translated`, { line: entry.sections.at(-1)?.line ?? 1, column: 1 })
      }
    }
  }
  if (sections.length === 0 && entry.sections.length === 0) report(entry.file, 'sections', 'the body has no "## " section')
  return { sections, origins }
}

function checkTranslatedRegulatory (front: Record<string, unknown>, english: Record<string, unknown>, file: string, report: Report) {
  const translated = front.regulatory as Array<Record<string, unknown>> | undefined
  const original = english.regulatory as Array<Record<string, unknown>> | undefined
  if (!translated) return
  if (!original || translated.length !== original.length) {
    report(file, 'regulatory', `must have the same ${original?.length ?? 0} entries as the English file, in the same order (it has ${translated.length})`)
    return
  }
  for (const [index, entry] of translated.entries()) {
    for (const key of ['jurisdiction', 'body', 'status', 'year']) {
      if (entry[key] !== original[index]?.[key]) report(file, `regulatory[${index}].${key}`, `must equal the English file's value (${String(original[index]?.[key])}); only "note" is translated`)
    }
  }
}

function checkCodes (front: Record<string, unknown>, file: string, report: Report) {
  const codes = (front.codes ?? []) as Array<{ system: Parameters<typeof codeProblem>[0], code: string }>
  for (const [index, code] of codes.entries()) {
    const problem = codeProblem(code.system, code.code)
    if (problem) report(file, `codes[${index}].code`, problem)
  }
}

function checkReview (front: Record<string, unknown>, file: string, report: Report) {
  const review = front.review as { reviewedBy?: unknown[], lastReviewed?: string, nextReviewDue?: string } | undefined
  if (!review) return
  const today = new Date().toISOString().slice(0, 10)
  if (review.lastReviewed && !review.reviewedBy) report(file, 'review.reviewedBy', 'a review date needs the reviewers who made it')
  if (review.reviewedBy && !review.lastReviewed) report(file, 'review.lastReviewed', 'named reviewers need the date of their review')
  if (review.lastReviewed && review.lastReviewed > today) report(file, 'review.lastReviewed', `is in the future (today is ${today})`)
  if (review.nextReviewDue && !review.lastReviewed) report(file, 'review.nextReviewDue', 'a next review date needs lastReviewed')
  if (review.lastReviewed && review.nextReviewDue && review.nextReviewDue <= review.lastReviewed) {
    report(file, 'review.nextReviewDue', `must be after lastReviewed (${review.lastReviewed})`)
  }
}

/** A translation whose English text changed since it was translated (or that does not say) is worth a look, not a stop. */
function translationWarnings (entities: BuiltEntity[], locate: ProblemCollector['locate']): ContentProblem[] {
  const english = new Map(entities.filter((entity) => entity.document.locale === 'en').map((entity) => [`${entity.document.type}/${entity.document.slug}`, entity]))
  const warnings: ContentProblem[] = []
  for (const entity of entities) {
    const { document, sourceFile: file } = entity
    const base = english.get(`${document.type}/${document.slug}`)
    if (document.locale === 'en' || !base) continue
    const hash = englishTextHash(base.document)
    const status = translationStatus(document.translatedFrom, hash)
    const command = `npm run review -- translated --entity ${document.type}/${document.slug} --locale ${document.locale}`
    if (status === 'outdated') {
      const at = locate(file, 'translatedFrom')
      warnings.push({ file, ...at, path: 'translatedFrom', message: `the English text (${base.sourceFile}) changed since this translation was made: update the translation, then run ${command}` })
    } else if (status === 'unknown') {
      warnings.push({ file, line: 1, column: 1, path: 'translatedFrom', message: `does not say which English text it was translated from: once it matches ${base.sourceFile}, run ${command}` })
    }
  }
  return warnings
}

/** Links are checked against every English file present, valid or not, so one broken file is reported once. */
function checkLinks (entities: BuiltEntity[], englishFiles: Map<string, 'draft' | 'published' | 'broken'>, report: Report, locate: ProblemCollector['locate']) {
  for (const entity of entities) {
    const at = (path: string) => locate(entity.sourceFile, path)
    if (entity.document.locale !== 'en') continue
    const seen = new Set<string>()
    for (const [index, link] of (entity.document.related as Link[]).entries()) {
      const key = `${link.type}/${link.slug}`
      const path = `related[${index}]`
      if (seen.has(key)) report(entity.sourceFile, path, `duplicate link to ${key}; each link is listed once`)
      seen.add(key)
      if (link.type === entity.document.type && link.slug === entity.document.slug) report(entity.sourceFile, path, 'an entity cannot link to itself')
      const target = englishFiles.get(key)
      if (!target) {
        const sameType = [...englishFiles.keys()].filter((candidate) => candidate.startsWith(`${link.type}/`)).map((candidate) => candidate.slice(link.type.length + 1))
        report(entity.sourceFile, path, `links to ${key}, but there is no seeds/content/${key}.en.md (withdrawn or misspelt): remove or correct this link${didYouMean(link.slug, sameType)}`, at(`${path}.slug`))
      } else if (target === 'draft' && entity.status === 'published') {
        report(entity.sourceFile, path, `links to the draft ${key}; published content cannot link to a draft: remove the link until ${key} is published`, at(`${path}.slug`))
      }
    }
  }
}

interface ParseResult { frontMatter: Record<string, unknown> | null, locator: YamlLocator | null, sections: ParsedSection[], problems: ParseProblem[] }

export function parseContentFile (text: string): ParseResult {
  const problems: ParseProblem[] = []
  const normalized = text.replace(/\r\n?/g, '\n')
  const positions = new TextPositions(normalized)
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(normalized)
  if (!match) {
    return { frontMatter: null, locator: null, sections: [], problems: [{ path: '', message: 'must start with YAML front matter between two "---" lines', line: 1, column: 1, quote: shortQuote(positions.lineText(1)) }] }
  }
  // The front matter starts after the opening "---" line: its offsets are shifted by those four characters.
  const locator = new YamlLocator(positions, match[1] as string, 4)
  let frontMatter: Record<string, unknown> | null = null
  const [syntaxError] = locator.document.errors
  if (syntaxError) {
    problems.push({ path: '', message: `front matter is not valid YAML: ${yamlMessage(syntaxError.message)}`, ...locator.errorLocation(syntaxError.pos[0]) })
  } else {
    const value = locator.document.toJS() as unknown
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ path: '', message: 'front matter must be a YAML mapping of fields (one "field: value" per line)', line: 2, column: 1 })
    } else {
      frontMatter = value as Record<string, unknown>
    }
  }
  const bodyStartLine = (match[1] as string).split('\n').length + 3
  return { frontMatter, locator, sections: parseSections(match[2] as string, bodyStartLine, problems), problems }
}

/** The yaml library's message without its own position, which is relative to the front matter, not the file. */
function yamlMessage (message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '').trim()
}

function parseSections (body: string, firstLine: number, problems: ParseProblem[]): ParsedSection[] {
  const lines = body.split('\n')
  const sections: ParsedSection[] = []
  let current: (ParsedSection & { lines: string[] }) | null = null
  const finish = () => {
    if (!current) return
    current.body = current.lines.join('\n').trim()
    if (current.body.length === 0) problems.push({ path: `sections[${sections.length}].body`, message: `section "${current.id}" has no text`, line: current.line, column: 1, quote: `## ${current.heading}` })
    const { lines: _lines, ...section } = current
    sections.push(section)
  }
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    const lineNumber = firstLine + index
    if (/^#\s/.test(line)) {
      problems.push({ path: 'sections', message: 'level-one headings are not allowed; sections start with "## " (sub-headings inside a section with "### ")', line: lineNumber, column: 1, quote: shortQuote(line) })
      continue
    }
    const heading = /^##\s+(.+?)\s*$/.exec(line)
    if (!heading) {
      if (current) current.lines.push(line)
      else if (line.trim() !== '') problems.push({ path: 'sections', message: 'text before the first "## " section', line: lineNumber, column: 1, quote: shortQuote(line) })
      continue
    }
    finish()
    let metaIndex = index + 1
    while (metaIndex < lines.length && (lines[metaIndex] as string).trim() === '') metaIndex++
    const metaRaw = lines[metaIndex] ?? ''
    const meta = /^<!--([\s\S]*?)-->\s*$/.exec(metaRaw.trim())
    const attributes: Record<string, string> = {}
    if (!meta) {
      problems.push({ path: `sections[${sections.length}]`, message: 'a section heading must be followed by <!-- id: …; aspect: …; cites: … -->', line: lineNumber, column: 1, quote: shortQuote(line) })
    } else {
      for (const part of (meta[1] as string).split(';')) {
        if (part.trim() === '') continue
        const pair = /^\s*([a-z]+)\s*:\s*(.*?)\s*$/.exec(part)
        if (!pair || !['id', 'aspect', 'cites'].includes(pair[1] as string)) {
          problems.push({ path: `sections[${sections.length}]`, message: 'unknown section attribute; use id, aspect and cites', line: metaIndex + firstLine, column: Math.max(1, metaRaw.indexOf(part.trim()) + 1), quote: part.trim() })
          continue
        }
        attributes[pair[1] as string] = pair[2] as string
      }
      index = metaIndex
    }
    const id = attributes.id ?? attributes.aspect ?? ''
    if (meta && !new RegExp(SLUG_PATTERN).test(id)) {
      problems.push({
        path: `sections[${sections.length}].id`,
        message: 'needs a kebab-case id (or an aspect, which then serves as the id)',
        line: metaIndex + firstLine,
        column: Math.max(1, metaRaw.indexOf(id) + 1),
        quote: id || shortQuote(metaRaw)
      })
    }
    current = {
      id,
      heading: heading[1] as string,
      ...(attributes.aspect !== undefined ? { aspect: attributes.aspect } : {}),
      ...(attributes.cites !== undefined ? { cites: attributes.cites.split(',').map((cite) => cite.trim()).filter(Boolean) } : {}),
      body: '',
      line: lineNumber,
      metaLine: meta ? metaIndex + firstLine : lineNumber,
      metaText: meta ? metaRaw : line,
      lines: []
    }
  }
  finish()
  return sections
}

async function readYamlFile (path: string, validate: ReturnType<typeof compileValidator>, file: string, collector: ProblemCollector): Promise<{ value: unknown, problems: FieldProblem[] }> {
  let text: string
  try {
    text = (await readFile(path, 'utf8')).replace(/\r\n?/g, '\n')
  } catch {
    collector.add(file, '', 'file is missing', { line: 1, column: 1 })
    return { value: null, problems: [{ path: '', message: 'file is missing' }] }
  }
  const locator = new YamlLocator(new TextPositions(text), text, 0)
  collector.register(file, locator)
  const [syntaxError] = locator.document.errors
  if (syntaxError) {
    collector.add(file, '', `not valid YAML: ${yamlMessage(syntaxError.message)}`, locator.errorLocation(syntaxError.pos[0]))
    return { value: null, problems: [{ path: '', message: 'not valid YAML' }] }
  }
  const value = locator.document.toJS() as unknown
  const problems = validate(value)
  for (const problem of problems) collector.add(file, problem.path, problem.message, problem)
  return { value, problems }
}
