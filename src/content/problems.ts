// Problems an editor can act on: each names the file and the line and column in that file (what an editor's
// "go to line" takes), the field path, the offending text and what is allowed. Shared by content:check,
// content:publish, the preview server and the API's startup check, so every one of them words a problem alike.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'

export interface ContentProblem {
  file: string
  /** 1-based; a problem about the whole file points at 1:1. */
  line: number
  column: number
  /** The field path in the editors' terms (`codes[1].code`), empty for the file as a whole. */
  path: string
  message: string
  /** The offending text as it stands in the file (its first line, shortened), when there is one. */
  quote?: string
}

export interface Location { line: number, column: number, quote?: string }

const QUOTE_LIMIT = 80

export function shortQuote (text: string): string {
  const firstLine = text.trim().split('\n')[0]?.trim() ?? ''
  const unquoted = /^(["'])(.*)\1$/.exec(firstLine)?.[2] ?? firstLine
  return unquoted.length > QUOTE_LIMIT ? `${unquoted.slice(0, QUOTE_LIMIT - 1)}…` : unquoted
}

/** Offsets to lines and columns in one text; both 1-based, as editors count. */
export class TextPositions {
  private readonly starts: number[] = [0]
  constructor (readonly text: string) {
    for (let index = 0; index < text.length; index++) if (text[index] === '\n') this.starts.push(index + 1)
  }

  at (offset: number): { line: number, column: number } {
    let low = 0
    let high = this.starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((this.starts[middle] as number) <= offset) low = middle
      else high = middle - 1
    }
    return { line: low + 1, column: offset - (this.starts[low] as number) + 1 }
  }

  lineText (line: number): string {
    const start = this.starts[line - 1]
    if (start === undefined) return ''
    const end = this.starts[line]
    return this.text.slice(start, end === undefined ? undefined : end - 1)
  }
}

/** `codes[1].code` → ['codes', 1, 'code']. */
export function pathSegments (path: string): Array<string | number> {
  const segments: Array<string | number> = []
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    segments.push(part.startsWith('[') ? Number(part.slice(1, -1)) : part)
  }
  return segments
}

/**
 * A YAML text (a whole file, or the front matter inside a Markdown file starting at `offset`) that can say where
 * a field path stands. A path that runs past what the file has (a missing field) points at the deepest part found.
 */
export class YamlLocator {
  readonly document: Document
  constructor (private readonly positions: TextPositions, yamlText: string, private readonly offset: number) {
    this.document = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: false })
  }

  /** Where a parse error of this YAML text stands in the file. */
  errorLocation (position: number): Location {
    let { line, column } = this.positions.at(this.offset + position)
    // An unclosed bracket or quote is reported where the text ends: point at the last line that has text.
    while (line > 1 && this.positions.lineText(line).trim() === '') {
      line--
      column = this.positions.lineText(line).length + 1
    }
    return { line, column, quote: shortQuote(this.positions.lineText(line)) }
  }

  locate (path: string, target: 'value' | 'key' = 'value'): Location {
    let node: unknown = this.document.contents
    let key: Node | null = null
    let found = true
    for (const segment of pathSegments(path)) {
      let next: unknown
      let nextKey: Node | null = null
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment))
        next = pair?.value
        nextKey = (pair?.key as Node | undefined) ?? null
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment]
      }
      if (next === undefined || next === null) {
        // A key written with no value (`summary:`) is still where the problem is.
        if (nextKey) { node = null; key = nextKey; break }
        found = false
        break
      }
      node = next
      key = nextKey
    }
    const chosen = (target === 'key' && key) || (node as Node | null) || key
    const range = chosen?.range
    if (!range) {
      const { line, column } = this.positions.at(this.offset)
      return { line, column }
    }
    const { line, column } = this.positions.at(this.offset + range[0])
    return found && path !== '' ? { line, column, quote: shortQuote(this.positions.text.slice(this.offset + range[0], this.offset + range[1])) } : { line, column }
  }
}

/** Collects problems, placing each one through the locator of its file unless it brings its own location. */
export class ProblemCollector {
  readonly problems: ContentProblem[] = []
  private readonly locators = new Map<string, YamlLocator>()

  register (file: string, locator: YamlLocator): void {
    this.locators.set(file, locator)
  }

  locate (file: string, path: string): Location {
    return this.locators.get(file)?.locate(path) ?? { line: 1, column: 1 }
  }

  add (file: string, path: string, message: string, where: Partial<Location> & { target?: 'value' | 'key' } = {}): void {
    const located = where.line === undefined
      ? this.locators.get(file)?.locate(path, where.target) ?? { line: 1, column: 1 }
      : { line: where.line, column: where.column ?? 1 }
    const quote = where.quote ?? (where.line === undefined ? located.quote : undefined)
    this.problems.push({ file, line: located.line, column: located.column, path, message, ...(quote !== undefined && quote !== '' ? { quote } : {}) })
  }
}

/** One line per problem, `file:line:column: path: message (found "…")`, the form editors and terminals link. */
export function formatProblem (problem: ContentProblem): string {
  const found = problem.quote !== undefined ? ` (found "${problem.quote}")` : ''
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}${found}`
}

/** File by file, top to bottom: the order an editor works through them. */
export function inFileOrder (problems: ContentProblem[]): ContentProblem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column))
}

export function formatProblems (problems: ContentProblem[]): string {
  return `${inFileOrder(problems).map(formatProblem).join('\n')}\n${problems.length} problem(s) found; nothing was changed.\n`
}

/** Edit distance, for "did you mean" hints on misspelt ids and slugs. */
export function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}

export function didYouMean (value: string, candidates: Iterable<string>): string {
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(value, candidate)
    if (distance < bestDistance) { best = candidate; bestDistance = distance }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(value.length / 4)) ? ` (did you mean "${best}"?)` : ''
}
