// Reads the editors' files in seeds/, validates them with the schemas in schema/ and builds the documents
// that get hashed and published. Every problem names the file, the field path and the reason.
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import type { TSchema } from '@sinclair/typebox'
import { ENTITY_TYPES, LOCALES, SLUG_PATTERN, type EntityType, type Locale } from '../../schema/common.js'
import {
  ASPECTS, DocumentSchemas, type CrisisResource, type EntityDocument, type Link, type Section, type Source
} from '../../schema/entity.js'
import {
  CrisisResourcesFileSchema, FrontMatterSchemas, SourcesFileSchema, TranslationFrontMatterSchema
} from '../../schema/content-file.js'
import { compileValidator, type FieldProblem } from './validation.js'
import { codeProblem } from './codes.js'
import { plainTextOfMarkdown, readingGrade } from './reading-grade.js'

export interface ContentProblem { file: string, path: string, message: string }

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
  readingReport: ReadingReportRow[]
}

/** Patient-facing summaries and overviews should read at this school grade or below. */
export const PATIENT_READING_GRADE_TARGET = 9

const TRANSLATABLE_BY_TYPE: Record<EntityType, readonly string[]> = {
  condition: ['alsoKnownAs', 'regulatory', 'typicalProtocol'],
  risk: ['mitigation'],
  mechanism: ['targets', 'steps'],
  topic: []
}

const validators = {
  frontMatter: Object.fromEntries(ENTITY_TYPES.map((type) => [type, compileValidator(FrontMatterSchemas[type] as TSchema)])) as Record<EntityType, ReturnType<typeof compileValidator>>,
  translation: compileValidator(TranslationFrontMatterSchema),
  sources: compileValidator(SourcesFileSchema),
  crisis: compileValidator(CrisisResourcesFileSchema),
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

interface ParsedSection { id: string, heading: string, aspect?: string, cites?: string[], body: string, line: number }

export async function loadCorpus (seedsDir: string): Promise<Corpus> {
  const problems: ContentProblem[] = []
  const report = (file: string, path: string, message: string) => problems.push({ file, path, message })
  const display = (absolute: string) => relative(process.cwd(), absolute) || absolute

  const sourcesFile = join(seedsDir, 'sources.yaml')
  const sources = await readYamlFile(sourcesFile, validators.sources, display(sourcesFile), report) as { sources: Source[] } | null
  const sourceById = new Map<string, Source>()
  for (const [index, source] of (sources?.sources ?? []).entries()) {
    if (sourceById.has(source.id)) report(display(sourcesFile), `sources[${index}].id`, `duplicate source id "${source.id}"`)
    if (!source.doi && !source.pmid && !source.url && source.verified) {
      report(display(sourcesFile), `sources[${index}]`, 'a source with no DOI, PMID or URL must be marked verified: false')
    }
    sourceById.set(source.id, source)
  }

  const crisisFile = join(seedsDir, 'crisis-resources.yaml')
  const crisis = await readYamlFile(crisisFile, validators.crisis, display(crisisFile), report) as { locales: Record<Locale, CrisisResource[]> } | null
  const usedSources = new Set<string>()
  for (const [locale, resources] of Object.entries(crisis?.locales ?? {})) {
    for (const [index, resource] of resources.entries()) {
      if (!resource.source) continue
      if (!sourceById.has(resource.source)) report(display(crisisFile), `locales.${locale}[${index}].source`, `unknown source "${resource.source}"`)
      usedSources.add(resource.source)
    }
  }

  const parsed: ParsedFile[] = []
  for (const type of ENTITY_TYPES) {
    const directory = join(seedsDir, 'content', type)
    const names = await readdir(directory).catch(() => [] as string[])
    for (const name of names.sort()) {
      const file = display(join(directory, name))
      const match = new RegExp(`^(${SLUG_PATTERN.slice(1, -1)})\\.(${LOCALES.join('|')})\\.md$`).exec(name)
      if (!match) {
        report(file, '', `file name must be <slug>.<locale>.md with a kebab-case slug and a locale of ${LOCALES.join(', ')}`)
        continue
      }
      const text = await readFile(join(directory, name), 'utf8')
      const result = parseContentFile(text)
      for (const problem of result.problems) report(file, problem.path, problem.message)
      if (result.frontMatter) {
        parsed.push({ file, type, slug: match[1] as string, locale: match[2] as Locale, frontMatter: result.frontMatter, sections: result.sections })
      }
    }
  }

  const english = new Map(parsed.filter((entry) => entry.locale === 'en').map((entry) => [`${entry.type}/${entry.slug}`, entry]))
  const entities: BuiltEntity[] = []
  const readingReport: ReadingReportRow[] = []

  for (const entry of parsed) {
    const { file } = entry
    const base = english.get(`${entry.type}/${entry.slug}`)
    const isTranslation = entry.locale !== 'en'
    const schemaProblems = isTranslation
      ? validators.translation(entry.frontMatter)
      : validators.frontMatter[entry.type](entry.frontMatter)
    for (const problem of schemaProblems) report(file, problem.path, problem.message)
    if (schemaProblems.length > 0) continue
    if (isTranslation && !base) {
      report(file, '', `a translation needs the English file ${entry.type}/${entry.slug}.en.md`)
      continue
    }
    const front = entry.frontMatter
    const englishFront = (isTranslation ? base?.frontMatter : front) as Record<string, unknown>
    if (isTranslation) {
      if (validators.frontMatter[entry.type](englishFront).length > 0) continue // reported on the English file
      for (const key of Object.keys(front)) {
        if (['title', 'summary', 'status'].includes(key)) continue
        if (!TRANSLATABLE_BY_TYPE[entry.type].includes(key)) report(file, key, `a ${entry.type} translation cannot set "${key}"; it is shared with the English file`)
      }
      checkTranslatedRegulatory(front, englishFront, file, report)
    }

    const sourceIds = englishFront.sources as string[]
    const sections = buildSections(entry, isTranslation ? base as ParsedFile : undefined, sourceIds, report)
    for (const [index, id] of sourceIds.entries()) {
      if (!sourceById.has(id)) report(file, `sources[${index}]`, `unknown source "${id}": add it to seeds/sources.yaml`)
    }
    if (!isTranslation) {
      const cited = new Set(sections.flatMap((section) => section.citations))
      for (const [index, id] of sourceIds.entries()) {
        if (!cited.has(id)) report(file, `sources[${index}]`, `source "${id}" is listed but no section cites it`)
        usedSources.add(id)
      }
      checkCodes(front, file, report)
      checkReview(front, file, report)
    }

    const status = ((front.status ?? englishFront.status) === 'draft' || englishFront.status === 'draft') ? 'draft' : 'published'
    const text = [front.summary as string, ...sections.map((section) => `${section.heading}.\n\n${section.body}`)].join('\n\n')
    const grade = readingGrade(plainTextOfMarkdown(text), entry.locale).grade

    const typeFields: Record<string, unknown> = {}
    for (const key of Object.keys(FrontMatterSchemas[entry.type].properties)) {
      if (key in commonKeys) continue
      typeFields[key] = front[key] ?? englishFront[key]
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
      ...typeFields
    } as unknown as EntityDocument
    for (const problem of validators.document[entry.type](document)) report(file, problem.path, problem.message)
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

  const declaredStatus = new Map(parsed.filter((entry) => entry.locale === 'en')
    .map((entry) => [`${entry.type}/${entry.slug}`, entry.frontMatter.status === 'draft' ? 'draft' : 'published'] as const))
  checkLinks(entities, declaredStatus, report)
  for (const [index, source] of (sources?.sources ?? []).entries()) {
    if (!usedSources.has(source.id)) report(display(sourcesFile), `sources[${index}].id`, `source "${source.id}" is not cited by any entity`)
  }
  return { entities, sources: sources?.sources ?? [], problems, readingReport }
}

const commonKeys = { title: 1, summary: 1, audience: 1, status: 1, sources: 1, related: 1, codes: 1, mentalHealth: 1, review: 1 }

function buildSections (
  entry: ParsedFile, base: ParsedFile | undefined, sourceIds: string[], report: (file: string, path: string, message: string) => void
): Section[] {
  const sections: Section[] = []
  const seen = new Set<string>()
  for (const [index, parsed] of entry.sections.entries()) {
    const path = `sections[${index}]`
    if (seen.has(parsed.id)) report(entry.file, `${path}.id`, `duplicate section id "${parsed.id}" (line ${parsed.line})`)
    seen.add(parsed.id)
    let aspect = parsed.aspect
    let citations = parsed.cites ?? []
    if (base) {
      if (parsed.aspect !== undefined || parsed.cites !== undefined) {
        report(entry.file, path, `a translated section gives only its id; aspect and cites come from the English section (line ${parsed.line})`)
      }
      const original = base.sections.find((section) => section.id === parsed.id)
      if (!original) {
        report(entry.file, `${path}.id`, `no section "${parsed.id}" in the English file (line ${parsed.line})`)
        continue
      }
      aspect = original.aspect ?? original.id
      citations = original.cites ?? []
    } else {
      aspect ??= parsed.id
      if (!(ASPECTS as readonly string[]).includes(aspect)) {
        report(entry.file, `${path}.aspect`, `"${aspect}" is not an aspect; use one of ${ASPECTS.join(', ')} (line ${parsed.line})`)
      }
      if (citations.length === 0) report(entry.file, `${path}.cites`, `every section cites at least one source (line ${parsed.line})`)
      for (const id of citations) {
        if (!sourceIds.includes(id)) report(entry.file, `${path}.cites`, `"${id}" is not in this entity's sources (line ${parsed.line})`)
      }
    }
    sections.push({ id: parsed.id, heading: parsed.heading, aspect: aspect as Section['aspect'], body: parsed.body, citations })
  }
  if (base) {
    for (const original of base.sections) {
      if (!entry.sections.some((section) => section.id === original.id)) {
        report(entry.file, 'sections', `the English section "${original.id}" is not translated`)
      }
    }
  }
  if (sections.length === 0) report(entry.file, 'sections', 'the body has no "## " section')
  return sections
}

function checkTranslatedRegulatory (front: Record<string, unknown>, english: Record<string, unknown>, file: string, report: (file: string, path: string, message: string) => void) {
  const translated = front.regulatory as Array<Record<string, unknown>> | undefined
  const original = english.regulatory as Array<Record<string, unknown>> | undefined
  if (!translated) return
  if (!original || translated.length !== original.length) {
    report(file, 'regulatory', `must have the same ${original?.length ?? 0} entries as the English file, in the same order`)
    return
  }
  for (const [index, entry] of translated.entries()) {
    for (const key of ['jurisdiction', 'body', 'status', 'year']) {
      if (entry[key] !== original[index]?.[key]) report(file, `regulatory[${index}].${key}`, `must equal the English file's value (${String(original[index]?.[key])}); only "note" is translated`)
    }
  }
}

function checkCodes (front: Record<string, unknown>, file: string, report: (file: string, path: string, message: string) => void) {
  const codes = (front.codes ?? []) as Array<{ system: Parameters<typeof codeProblem>[0], code: string }>
  for (const [index, code] of codes.entries()) {
    const problem = codeProblem(code.system, code.code)
    if (problem) report(file, `codes[${index}].code`, `"${code.code}" ${problem}`)
  }
}

function checkReview (front: Record<string, unknown>, file: string, report: (file: string, path: string, message: string) => void) {
  const review = front.review as { reviewedBy?: unknown[], lastReviewed?: string, nextReviewDue?: string } | undefined
  if (!review) return
  const today = new Date().toISOString().slice(0, 10)
  if (review.lastReviewed && !review.reviewedBy) report(file, 'review.reviewedBy', 'a review date needs the reviewers who made it')
  if (review.reviewedBy && !review.lastReviewed) report(file, 'review.lastReviewed', 'named reviewers need the date of their review')
  if (review.lastReviewed && review.lastReviewed > today) report(file, 'review.lastReviewed', `${review.lastReviewed} is in the future`)
  if (review.nextReviewDue && !review.lastReviewed) report(file, 'review.nextReviewDue', 'a next review date needs lastReviewed')
  if (review.lastReviewed && review.nextReviewDue && review.nextReviewDue <= review.lastReviewed) {
    report(file, 'review.nextReviewDue', `must be after lastReviewed (${review.lastReviewed})`)
  }
}

/** Links are checked against every English file, valid or not, so one broken file is reported once. */
function checkLinks (entities: BuiltEntity[], statusOf: Map<string, 'draft' | 'published'>, report: (file: string, path: string, message: string) => void) {
  for (const entity of entities) {
    if (entity.document.locale !== 'en') continue
    const seen = new Set<string>()
    for (const [index, link] of (entity.document.related as Link[]).entries()) {
      const key = `${link.type}/${link.slug}`
      const path = `related[${index}]`
      if (seen.has(key)) report(entity.sourceFile, path, `duplicate link to ${key}`)
      seen.add(key)
      if (link.type === entity.document.type && link.slug === entity.document.slug) report(entity.sourceFile, path, 'an entity cannot link to itself')
      const target = statusOf.get(key)
      if (!target) report(entity.sourceFile, path, `links to ${key}, which has no file seeds/content/${link.type}/${link.slug}.en.md`)
      else if (target === 'draft' && entity.status === 'published') report(entity.sourceFile, path, `links to the draft ${key}; published content cannot link to a draft`)
    }
  }
}

interface ParseResult { frontMatter: Record<string, unknown> | null, sections: ParsedSection[], problems: FieldProblem[] }

export function parseContentFile (text: string): ParseResult {
  const problems: FieldProblem[] = []
  const normalized = text.replace(/\r\n?/g, '\n')
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(normalized)
  if (!match) return { frontMatter: null, sections: [], problems: [{ path: '', message: 'must start with YAML front matter between two "---" lines' }] }
  let frontMatter: Record<string, unknown> | null = null
  try {
    const value = parseYaml(match[1] as string, { uniqueKeys: true, prettyErrors: true })
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ path: '', message: 'front matter must be a YAML mapping of fields' })
    } else {
      frontMatter = value as Record<string, unknown>
    }
  } catch (error) {
    const line = error instanceof YAMLParseError ? ` (front matter line ${(error.linePos?.[0]?.line ?? 0)})` : ''
    problems.push({ path: '', message: `front matter is not valid YAML${line}: ${(error as Error).message.split('\n')[0]}` })
  }
  const bodyStartLine = (match[1] as string).split('\n').length + 3
  return { frontMatter, sections: parseSections(match[2] as string, bodyStartLine, problems), problems }
}

function parseSections (body: string, firstLine: number, problems: FieldProblem[]): ParsedSection[] {
  const lines = body.split('\n')
  const sections: ParsedSection[] = []
  let current: (ParsedSection & { lines: string[] }) | null = null
  const finish = () => {
    if (!current) return
    current.body = current.lines.join('\n').trim()
    if (current.body.length === 0) problems.push({ path: `sections[${sections.length}].body`, message: `section "${current.id}" has no text (line ${current.line})` })
    const { lines: _lines, ...section } = current
    sections.push(section)
  }
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    const lineNumber = firstLine + index
    if (/^#\s/.test(line)) {
      problems.push({ path: 'sections', message: `level-one headings are not allowed; sections start with "## " (line ${lineNumber})` })
      continue
    }
    const heading = /^##\s+(.+?)\s*$/.exec(line)
    if (!heading) {
      if (current) current.lines.push(line)
      else if (line.trim() !== '') problems.push({ path: 'sections', message: `text before the first "## " section (line ${lineNumber})` })
      continue
    }
    finish()
    let metaIndex = index + 1
    while (metaIndex < lines.length && (lines[metaIndex] as string).trim() === '') metaIndex++
    const meta = /^<!--([\s\S]*?)-->\s*$/.exec((lines[metaIndex] ?? '').trim())
    const attributes: Record<string, string> = {}
    if (!meta) {
      problems.push({ path: `sections[${sections.length}]`, message: `heading "${heading[1]}" must be followed by <!-- id: …; aspect: …; cites: … --> (line ${lineNumber})` })
    } else {
      for (const part of (meta[1] as string).split(';')) {
        if (part.trim() === '') continue
        const pair = /^\s*([a-z]+)\s*:\s*(.*?)\s*$/.exec(part)
        if (!pair || !['id', 'aspect', 'cites'].includes(pair[1] as string)) {
          problems.push({ path: `sections[${sections.length}]`, message: `unknown section attribute "${part.trim()}"; use id, aspect and cites (line ${metaIndex + firstLine})` })
          continue
        }
        attributes[pair[1] as string] = pair[2] as string
      }
      index = metaIndex
    }
    const id = attributes.id ?? attributes.aspect ?? ''
    if (!new RegExp(SLUG_PATTERN).test(id)) {
      problems.push({ path: `sections[${sections.length}].id`, message: `section "${heading[1]}" needs a kebab-case id or aspect (line ${lineNumber})` })
    }
    current = {
      id,
      heading: heading[1] as string,
      ...(attributes.aspect !== undefined ? { aspect: attributes.aspect } : {}),
      ...(attributes.cites !== undefined ? { cites: attributes.cites.split(',').map((cite) => cite.trim()).filter(Boolean) } : {}),
      body: '',
      line: lineNumber,
      lines: []
    }
  }
  finish()
  return sections
}

async function readYamlFile (
  path: string, validate: ReturnType<typeof compileValidator>, file: string, report: (file: string, path: string, message: string) => void
): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    report(file, '', 'file is missing')
    return null
  }
  try {
    const value = parseYaml(text, { uniqueKeys: true })
    const problems = validate(value)
    for (const problem of problems) report(file, problem.path, problem.message)
    return problems.length === 0 ? value : null
  } catch (error) {
    report(file, '', `not valid YAML: ${(error as Error).message.split('\n')[0]}`)
    return null
  }
}
