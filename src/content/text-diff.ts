// A word-level diff for editors: what `content:check --diff` shows for each changed text field. The longest
// common subsequence of words (whitespace and punctuation are tokens of their own, so a changed comma does not
// mark the whole word), rendered git-style as [-removed-]{+added+}.

export type DiffOp = { op: 'equal' | 'delete' | 'insert', text: string }

/** Beyond this many cells the middle of two texts is shown as replaced rather than aligned word by word. */
const MAX_TABLE_CELLS = 4_000_000

export function tokenize (text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}’'-]+|[^\s\p{L}\p{N}]/gu) ?? []
}

export function wordDiff (before: string, after: string): DiffOp[] {
  const a = tokenize(before)
  const b = tokenize(after)
  let prefix = 0
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  let suffix = 0
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++
  const ops: DiffOp[] = []
  const push = (op: DiffOp['op'], text: string) => {
    if (text === '') return
    const last = ops[ops.length - 1]
    if (last?.op === op) last.text += text
    else ops.push({ op, text })
  }
  push('equal', a.slice(0, prefix).join(''))
  const middleA = a.slice(prefix, a.length - suffix)
  const middleB = b.slice(prefix, b.length - suffix)
  if (middleA.length * middleB.length > MAX_TABLE_CELLS) {
    push('delete', middleA.join(''))
    push('insert', middleB.join(''))
  } else {
    for (const [op, token] of lcsOps(middleA, middleB)) push(op, token)
  }
  push('equal', a.slice(a.length - suffix).join(''))
  return groupChanges(ops)
}

function lcsOps (a: string[], b: string[]): Array<[DiffOp['op'], string]> {
  const width = b.length + 1
  // lengths[i * width + j]: length of the LCS of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j]
        ? (lengths[(i + 1) * width + j + 1] as number) + 1
        : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number)
    }
  }
  const result: Array<[DiffOp['op'], string]> = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push(['equal', a[i] as string])
      i++
      j++
    } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) {
      result.push(['delete', a[i++] as string])
    } else {
      result.push(['insert', b[j++] as string])
    }
  }
  while (i < a.length) result.push(['delete', a[i++] as string])
  while (j < b.length) result.push(['insert', b[j++] as string])
  return result
}

/**
 * A lone space kept between two changes ("[-a-] [-b-]{+c+} {+d+}") reads worse than one replacement: whitespace
 * that only separates changes joins them, so each change reads as a phrase removed and a phrase added.
 */
function groupChanges (ops: DiffOp[]): DiffOp[] {
  const result: DiffOp[] = []
  let removed = ''
  let added = ''
  const flush = () => {
    if (removed) result.push({ op: 'delete', text: removed })
    if (added) result.push({ op: 'insert', text: added })
    removed = ''
    added = ''
  }
  for (const [index, op] of ops.entries()) {
    const between = op.op === 'equal' && /^\s+$/.test(op.text) && (removed || added) && ops[index + 1] !== undefined && ops[index + 1]?.op !== 'equal'
    if (op.op === 'delete') removed += op.text
    else if (op.op === 'insert') added += op.text
    else if (between) {
      removed += op.text
      added += op.text
    } else {
      flush()
      result.push({ ...op })
    }
  }
  flush()
  return result
}

/** The text of one side, from the ops alone: before = equal + delete, after = equal + insert. */
export function sideOf (ops: DiffOp[], side: 'before' | 'after'): string {
  return ops.filter((op) => op.op === 'equal' || op.op === (side === 'before' ? 'delete' : 'insert')).map((op) => op.text).join('')
}

export interface RenderOptions {
  /** ANSI colours (red removed, green added) besides the brackets: only when writing to a terminal. */
  color?: boolean
  /** Words of unchanged text kept around each change; the rest is shown as "…". */
  context?: number
}

export function renderWordDiff (ops: DiffOp[], options: RenderOptions = {}): string {
  const context = options.context ?? 8
  const removed = (text: string) => (options.color ? `\u001b[31m[-${text}-]\u001b[39m` : `[-${text}-]`)
  const added = (text: string) => (options.color ? `\u001b[32m{+${text}+}\u001b[39m` : `{+${text}+}`)
  return ops.map((op, index) => {
    if (op.op === 'delete') return removed(op.text)
    if (op.op === 'insert') return added(op.text)
    return elide(op.text, context, index === 0, index === ops.length - 1)
  }).join('')
}

/** Long unchanged stretches keep `context` words next to each change. */
function elide (text: string, context: number, first: boolean, last: boolean): string {
  const tokens = tokenize(text)
  const words = (list: string[]) => list.filter((token) => !/^\s+$/.test(token)).length
  if (words(tokens) <= context * (first || last ? 1 : 2) + 2) return text
  const keepStart = (count: number) => {
    const kept: string[] = []
    for (const token of tokens) {
      if (words(kept) >= count && !/^\s+$/.test(token)) break
      kept.push(token)
    }
    return kept.join('')
  }
  const keepEnd = (count: number) => {
    const kept: string[] = []
    for (const token of [...tokens].reverse()) {
      if (words(kept) >= count && !/^\s+$/.test(token)) break
      kept.unshift(token)
    }
    return kept.join('')
  }
  if (first && last) return keepStart(context)
  if (first) return `…${keepEnd(context)}`
  if (last) return `${keepStart(context)}…`
  return `${keepStart(context)}…${keepEnd(context)}`
}
