// Ajv, configured like Fastify's own validator, turns a TypeBox schema into a checker whose problems name the
// field path in the editors' terms (`codes[1].code`) and say why in plain words, with what is allowed.
import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { TSchema } from '@sinclair/typebox'
import { SLUG_PATTERN } from '../../schema/common.js'

export interface FieldProblem {
  path: string
  message: string
  /** Point at the field's name rather than its value (an unknown field). */
  target?: 'key'
  /** Text to quote when it is not simply the value at `path` (a Markdown mark inside it). */
  quote?: string
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv
// verbose: each error carries its schema, which is where the list of allowed fields comes from.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, verbose: true })
addFormats(ajv)

/** `plainText`: also reject Markdown in free-text fields (the editors' files; a built document has bodies). */
export function compileValidator (schema: TSchema, options: { plainText?: boolean } = {}): (value: unknown) => FieldProblem[] {
  const validate = ajv.compile(schema)
  return (value) => [
    ...(validate(value) ? [] : mergeRequired((validate.errors ?? []).map(describeProblem))),
    ...(options.plainText ? markdownProblems(schema, value, '') : [])
  ]
}

/** Several missing fields of one group are one problem ("is missing the required fields …"), not one each. */
function mergeRequired (problems: Array<FieldProblem & { missing?: string }>): FieldProblem[] {
  const merged: FieldProblem[] = []
  const groups = new Map<string, { problem: FieldProblem, fields: string[] }>()
  for (const { missing, ...problem } of problems) {
    if (missing === undefined) {
      merged.push(problem)
      continue
    }
    const parent = problem.path.slice(0, Math.max(0, problem.path.length - missing.length - 1))
    const group = groups.get(parent)
    if (group) {
      group.fields.push(missing)
      continue
    }
    groups.set(parent, { problem, fields: [missing] })
    merged.push(problem)
  }
  for (const [parent, { problem, fields }] of groups) {
    if (fields.length < 2) continue
    problem.path = parent
    problem.message = `is missing the required fields: ${fields.join(', ')}`
  }
  return merged
}

export function jsonPointerToPath (pointer: string): string {
  return pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '')
}

const FORMAT_WORDS: Record<string, string> = { date: 'a date written YYYY-MM-DD', uri: 'a full web address', 'date-time': 'a date and time' }

function describePattern (pattern: string): string {
  if (pattern === SLUG_PATTERN) return 'must be kebab-case: lowercase letters and digits, words joined by single hyphens'
  if (pattern === '\\S') return 'must not be empty'
  if (pattern === '^https://') return 'must start with https://'
  if (pattern.startsWith('^10\\.')) return 'must be a bare DOI such as 10.1000/xyz123 (no "doi:" and no https://doi.org/)'
  if (pattern === '^\\d{1,9}$') return 'must be digits only'
  if (pattern === '^[A-Z]{2}$') return 'must be a two-letter country code in capitals, e.g. US or ES'
  if (pattern.startsWith('^[A-Z]{2}(-')) return 'must be a two-letter country code in capitals (US, ES), a subdivision (US-CA) or EU'
  return `must match ${pattern}`
}

function describeProblem (error: ErrorObject): FieldProblem {
  const path = jsonPointerToPath(error.instancePath)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: path ? `${path}.${String(params.missingProperty)}` : String(params.missingProperty), message: 'is required', missing: String(params.missingProperty) } as FieldProblem
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {})
      return {
        path: path ? `${path}.${String(params.additionalProperty)}` : String(params.additionalProperty),
        message: `is not a known field${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''}`,
        target: 'key'
      }
    }
    case 'enum':
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` }
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters (it has ${String(error.data).length})` }
    case 'minLength':
      return { path, message: 'must not be empty' }
    case 'pattern':
      return { path, message: describePattern(String(params.pattern)) }
    case 'format':
      return { path, message: `must be ${FORMAT_WORDS[String(params.format)] ?? String(params.format)}` }
    case 'type':
      return { path, message: `must be ${params.type === 'string' ? 'text' : params.type === 'array' ? 'a list' : params.type === 'object' ? 'a group of fields' : String(params.type)}` }
    case 'minItems':
      return { path, message: `must list at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}` }
    case 'maxItems':
      return { path, message: `must list at most ${String(params.limit)} entries` }
    case 'uniqueItems':
      return { path: `${path}[${String(params.i)}]`, message: `repeats entry ${String(params.j)}; each entry appears once` }
    default:
      return { path, message: error.message ?? 'is invalid' }
  }
}

// Marks that make plain text Markdown. Each is specific enough that ordinary prose (5-HT2A, p < 0.05, "and/or")
// does not match it.
const MARKDOWN_MARKS: Array<[RegExp, string]> = [
  [/\*\*[^*\n]+\*\*|__[^_\n]+__/, 'bold'],
  [/(?<![\w*])\*(?=\S)[^*\n]+(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)[^_\n]+(?<=\S)_(?![\w_])/, 'emphasis'],
  [/`[^`\n]+`/, 'code'],
  [/!?\[[^\]\n]+\]\([^)\n]*\)/, 'a link'],
  [/^#{1,6}\s+\S.*$/m, 'a heading'],
  [/^>\s.*$/m, 'a quotation'],
  [/^\s*(?:[-*+]|\d+[.)])\s+\S.*$/m, 'a list item'],
  [/<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>/, 'HTML']
]

/** The Markdown mark a plain-text value contains, if any. */
export function markdownIn (text: string): { kind: string, quote: string } | null {
  for (const [pattern, kind] of MARKDOWN_MARKS) {
    const match = pattern.exec(text)
    if (match) return { kind, quote: match[0].trim() }
  }
  return null
}

/**
 * Every free-text field of a file (a string with no enum, format or pattern other than "not empty") is plain
 * text: titles, summaries and short fields are shown as they are, so Markdown there would reach readers as
 * asterisks and brackets. Only section bodies take Markdown, and they are not in any of these schemas.
 */
function markdownProblems (schema: TSchema, value: unknown, path: string): FieldProblem[] {
  const node = schema as { type?: string, enum?: unknown, format?: unknown, pattern?: string, properties?: Record<string, TSchema>, items?: TSchema }
  if (typeof value === 'string') {
    if (node.type !== 'string' || node.enum !== undefined || node.format !== undefined || (node.pattern !== undefined && node.pattern !== '\\S')) return []
    const mark = markdownIn(value)
    return mark ? [{ path, message: `takes plain text, not Markdown (${mark.kind}); Markdown belongs only in section bodies`, quote: mark.quote }] : []
  }
  if (Array.isArray(value) && node.items) return value.flatMap((item, index) => markdownProblems(node.items as TSchema, item, `${path}[${index}]`))
  if (value !== null && typeof value === 'object' && node.properties) {
    return Object.entries(value).flatMap(([key, item]) => {
      const child = node.properties?.[key]
      return child ? markdownProblems(child, item, path ? `${path}.${key}` : key) : []
    })
  }
  return []
}
