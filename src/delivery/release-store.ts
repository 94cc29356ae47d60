// Holds the current release in memory and a bounded number of older ones for pinned reads. Reads of current
// content never touch the database; a new release is swapped in whole, so no request sees half of two.
import type { ContentRepository } from '../repositories/content-repository.js'
import { NoReleaseError, ReleaseNotFoundError } from '../errors.js'
import { ReleaseSnapshot } from './release-snapshot.js'

export interface ReleaseStoreOptions {
  /** How many pinned (non-current) releases to keep in memory. */
  pinnedCacheSize?: number
}

export class ReleaseStore {
  private current: ReleaseSnapshot | null = null
  private readonly pinned = new Map<number, ReleaseSnapshot>()
  private readonly loading = new Map<number, Promise<ReleaseSnapshot>>()
  private readonly pinnedCacheSize: number
  private readonly swapListeners: Array<(release: number | null) => void> = []

  constructor (private readonly repository: ContentRepository, options: ReleaseStoreOptions = {}) {
    this.pinnedCacheSize = options.pinnedCacheSize ?? 8
  }

  /** Loads the newest release if it differs from the one held; returns its number (null: nothing published). */
  async refresh (): Promise<number | null> {
    const latest = await this.repository.latestReleaseNumber()
    if (latest === null) {
      this.current = null
      return null
    }
    if (this.current?.release.number !== latest) {
      const snapshot = await this.load(latest)
      // A slower refresh must not replace a newer release that another one already swapped in.
      if (this.current === null || snapshot.release.number > this.current.release.number) {
        this.current = snapshot
        for (const listener of this.swapListeners) listener(latest)
      }
    }
    return this.current?.release.number ?? latest
  }

  /** Called after a new current release is swapped in (response caches drop their entries). */
  onSwap (listener: (release: number | null) => void): void {
    this.swapListeners.push(listener)
  }

  get currentRelease (): number | null {
    return this.current?.release.number ?? null
  }

  /** The snapshot for a read: the current release, or the one a client pinned with `release=`. */
  async snapshot (release?: number): Promise<ReleaseSnapshot> {
    const current = this.current
    if (release === undefined || release === current?.release.number) {
      if (current) return current
      await this.refresh()
      if (!this.current) throw new NoReleaseError()
      return this.current
    }
    const cached = this.pinned.get(release)
    if (cached) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry.
      this.pinned.delete(release)
      this.pinned.set(release, cached)
      return cached
    }
    const snapshot = await this.load(release)
    this.pinned.set(release, snapshot)
    while (this.pinned.size > this.pinnedCacheSize) this.pinned.delete(this.pinned.keys().next().value as number)
    return snapshot
  }

  /** Drops every snapshot held, current included: used by tests to measure a cold read. */
  clear (): void {
    this.current = null
    this.pinned.clear()
  }

  private async load (number: number): Promise<ReleaseSnapshot> {
    // Concurrent requests for the same cold release share one load.
    const inflight = this.loading.get(number)
    if (inflight) return inflight
    const promise = (async () => {
      const release = await this.repository.findRelease(number)
      if (!release) throw new ReleaseNotFoundError(number)
      return new ReleaseSnapshot(release, await this.repository.releaseVersions(number))
    })()
    this.loading.set(number, promise)
    try {
      return await promise
    } finally {
      this.loading.delete(number)
    }
  }
}
