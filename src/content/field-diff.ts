// What changed in an entity, field by field, for an editor reading `content:check --diff`: each document is
// flattened to its text leaves (sections and sources keyed by id, links by type/slug, so reordering or inserting
// one does not show every later one as changed) and each changed text leaf gets a word diff.
import { renderWordDiff, wordDiff, type DiffOp } from './text-diff.js'

export interface FieldDiff {
  path: string
  before: unknown
  after: unknown
  /** Word diff, when both sides are text. */
  ops?: DiffOp[]
}

type Leaf = string | number | boolean | null

function keyOf (item: unknown, index: number): string {
  if (item !== null && typeof item === 'object') {
    const record = item as Record<string, unknown>
    if (typeof record.id === 'string') return record.id
    if (typeof record.type === 'string' && typeof record.slug === 'string') return `${record.type}/${record.slug}`
    if (typeof record.system === 'string' && typeof record.code === 'string') return `${record.system}:${record.code}`
  }
  return String(index)
}

export function flatten (value: unknown, path = '', into = new Map<string, Leaf>()): Map<string, Leaf> {
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(path, '(none)')
    const keys = value.map(keyOf)
    // Keys that repeat cannot identify items: positions are used instead.
    const unique = new Set(keys).size === keys.length
    value.forEach((item, index) => flatten(item, `${path}[${unique ? keys[index] : index}]`, into))
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(item, path ? `${path}.${key}` : key, into)
  } else if (value !== undefined) {
    into.set(path, value as Leaf)
  }
  return into
}

export function diffFields (before: unknown, after: unknown): FieldDiff[] {
  const left = flatten(before ?? {})
  const right = flatten(after ?? {})
  const paths = [...right.keys(), ...[...left.keys()].filter((path) => !right.has(path))]
  const diffs: FieldDiff[] = []
  for (const path of paths) {
    const from = left.get(path)
    const to = right.get(path)
    if (from === to) continue
    diffs.push({ path, before: from, after: to, ...(typeof from === 'string' && typeof to === 'string' ? { ops: wordDiff(from, to) } : {}) })
  }
  return diffs
}

/** One block per changed field, each line indented; text fields as a word diff, the rest as "old → new". */
export function renderFieldDiffs (diffs: FieldDiff[], options: { color?: boolean, indent?: string } = {}): string {
  const indent = options.indent ?? '    '
  const show = (value: unknown) => (value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value))
  return diffs.map((diff) => {
    const body = diff.ops
      ? renderWordDiff(diff.ops, { color: options.color ?? false })
      : `${show(diff.before)} → ${show(diff.after)}`
    return `${indent}${diff.path}: ${body.split('\n').join(`\n${indent}  `)}`
  }).join('\n')
}

interface PlanLine { action: string, type: string, slug: string, locale: string, version: number, changedFields: string[] }
interface DraftLine { type: string, slug: string, locale: string }

/**
 * What `content:check --diff` prints: one line per change a publish would make, and under each update the word
 * diff of every changed field against the version the database holds (`previous`, keyed type/slug/locale).
 */
export function renderPublishPlan (
  plan: { baseRelease: number | null, changes: PlanLine[], drafts: DraftLine[] },
  previous: Map<string, unknown>,
  current: Map<string, unknown>,
  options: { color?: boolean } = {}
): string {
  const lines = [`Against release ${plan.baseRelease ?? '(none)'}:`]
  if (plan.changes.length === 0 && plan.drafts.length === 0) lines.push('  no changes')
  for (const change of plan.changes) {
    const key = `${change.type}/${change.slug}/${change.locale}`
    const fields = change.changedFields.length > 0 ? `: ${change.changedFields.join(', ')}` : ''
    lines.push(`  ${change.action.padEnd(9)} ${change.type}/${change.slug} (${change.locale}) → version ${change.version}${fields}`)
    if (change.action === 'updated') {
      const diffs = diffFields(previous.get(key), current.get(key))
      if (diffs.length > 0) lines.push(renderFieldDiffs(diffs, options))
    }
  }
  for (const draft of plan.drafts) lines.push(`  draft     ${draft.type}/${draft.slug} (${draft.locale}) saved as a draft, not published`)
  return `${lines.join('\n')}\n`
}
