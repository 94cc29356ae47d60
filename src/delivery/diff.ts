// Field-level differences between two published documents. Lists of things with an id (sections, sources)
// are compared item by item, so an edited paragraph shows as `sections.overview.body`, not as "sections changed".
import { canonicalJson } from '../content/canonical.js'

export interface FieldChange {
  path: string
  change: 'added' | 'removed' | 'changed'
  before?: unknown
  after?: unknown
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null)

const keyed = (value: unknown): Map<string, Record<string, unknown>> | null => {
  if (!Array.isArray(value) || !value.every((item) => item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string')) return null
  return new Map(value.map((item) => [(item as { id: string }).id, item as Record<string, unknown>]))
}

export function diffDocuments (before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = []
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  for (const field of fields) {
    const left = before[field]
    const right = after[field]
    if (same(left, right)) continue
    if (left === undefined) { changes.push({ path: field, change: 'added', after: right }); continue }
    if (right === undefined) { changes.push({ path: field, change: 'removed', before: left }); continue }
    const leftItems = keyed(left)
    const rightItems = keyed(right)
    if (leftItems && rightItems) {
      for (const id of new Set([...leftItems.keys(), ...rightItems.keys()])) {
        const a = leftItems.get(id)
        const b = rightItems.get(id)
        if (!a) changes.push({ path: `${field}.${id}`, change: 'added', after: b })
        else if (!b) changes.push({ path: `${field}.${id}`, change: 'removed', before: a })
        else {
          for (const sub of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
            if (!same(a[sub], b[sub])) changes.push({ path: `${field}.${id}.${sub}`, change: 'changed', before: a[sub], after: b[sub] })
          }
        }
      }
      continue
    }
    changes.push({ path: field, change: 'changed', before: left, after: right })
  }
  return changes
}
