// Request deadlines without a timer per request. Every request gets the same time to answer, so deadlines fall due
// in the order requests arrive: in-flight requests form a list in that order (linked through fields of the reply
// itself, so adding and removing one allocates nothing), and a single timer is armed for the oldest one's deadline.
// When it fires, every request past its deadline that has not been answered gets `onExpired`; the timer is then
// armed for the next oldest, if any. A request answered in time leaves the list in O(1) (onResponse); one whose
// client went away is dropped when its deadline comes, without an answer.

/** What the list needs of a request; Fastify replies carry these fields (decorated in src/app.ts). */
export interface DeadlineEntry {
  deadlineAt: number
  deadlinePrev: DeadlineEntry | null
  deadlineNext: DeadlineEntry | null
}

export class Deadlines<Entry extends DeadlineEntry> {
  private head: Entry | null = null
  private tail: Entry | null = null
  private timer: NodeJS.Timeout | null = null
  private count = 0

  constructor (
    private readonly ms: number,
    /** Called once for each entry still in the list when its deadline passes. */
    private readonly onExpired: (entry: Entry) => void,
    private readonly now: () => number = () => performance.now()
  ) {}

  add (entry: Entry): void {
    entry.deadlineAt = this.now() + this.ms
    entry.deadlinePrev = this.tail
    entry.deadlineNext = null
    if (this.tail) this.tail.deadlineNext = entry
    else this.head = entry
    this.tail = entry
    this.count++
    if (this.timer === null) this.arm(entry.deadlineAt)
  }

  /** Takes the entry out of the list (nothing happens if it is not in it). The timer stays armed: it re-arms or stops when it fires. */
  remove (entry: Entry): void {
    if (entry.deadlineAt === 0) return
    const prev = entry.deadlinePrev as Entry | null
    const next = entry.deadlineNext as Entry | null
    if (prev) prev.deadlineNext = next
    else this.head = next
    if (next) next.deadlinePrev = prev
    else this.tail = prev
    entry.deadlineAt = 0
    entry.deadlinePrev = null
    entry.deadlineNext = null
    this.count--
  }

  /** Requests waiting for an answer. */
  get size (): number {
    return this.count
  }

  /** Whether the one timer is armed. */
  get armed (): boolean {
    return this.timer !== null
  }

  /** Forgets every entry and stops the timer (the server is closing). */
  close (): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    while (this.head) this.remove(this.head)
  }

  private arm (due: number): void {
    // At least 1 ms: a timer may fire a fraction of a millisecond before `due` by the clock read here.
    this.timer = setTimeout(this.sweep, Math.max(1, Math.ceil(due - this.now())))
  }

  private readonly sweep = (): void => {
    this.timer = null
    const time = this.now()
    let entry = this.head
    while (entry && entry.deadlineAt <= time) {
      this.remove(entry)
      this.onExpired(entry)
      entry = this.head
    }
    if (entry) this.arm(entry.deadlineAt)
  }
}
