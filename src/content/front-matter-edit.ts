// Rewrites one top-level field of a content file's front matter and leaves every other byte of the file as it
// was, so a command can sign a review or mark a translation current without an editor touching YAML. The
// result is parsed again and must equal the original with only that field changed; otherwise nothing is written.
import { parseDocument, stringify } from 'yaml'
import { canonicalJson } from './canonical.js'

export class FrontMatterEditError extends Error {}

function frontMatterOf (text: string): Record<string, unknown> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text)
  if (!match) throw new FrontMatterEditError('the file does not start with YAML front matter between two "---" lines')
  const document = parseDocument(match[1] as string)
  if (document.errors.length > 0) throw new FrontMatterEditError(`its front matter is not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`)
  const value = document.toJS() as unknown
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FrontMatterEditError('its front matter is not a mapping of fields')
  return value as Record<string, unknown>
}

/** `text` with the top-level front-matter field `key` set to `value` (replaced where it stands, else added last). */
export function setFrontMatterField (text: string, key: string, value: unknown): string {
  const before = frontMatterOf(text)
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text.split(eol)
  const close = lines.indexOf('---', 1)
  if (lines[0] !== '---' || close < 0) throw new FrontMatterEditError('the file does not start with YAML front matter between two "---" lines')
  const replacement = stringify({ [key]: value }, { lineWidth: 0 }).replace(/\n$/, '').split('\n')
  const start = lines.findIndex((line, index) => index > 0 && index < close && line.startsWith(`${key}:`))
  let next: string[]
  if (start < 0) {
    next = [...lines.slice(0, close), ...replacement, ...lines.slice(close)]
  } else {
    // The field's block: its own line and every following line that belongs to its value (indented, a
    // sequence item at column 0, or a blank line inside the block).
    let end = start + 1
    while (end < close && /^(\s|- |-$)/.test(lines[end] as string)) end++
    while (end > start + 1 && (lines[end - 1] as string).trim() === '') end--
    next = [...lines.slice(0, start), ...replacement, ...lines.slice(end)]
  }
  const result = next.join(eol)
  const after = frontMatterOf(result)
  if (canonicalJson(after) !== canonicalJson({ ...before, [key]: value })) {
    throw new FrontMatterEditError(`could not rewrite "${key}" without changing other fields; edit the file by hand`)
  }
  return result
}
