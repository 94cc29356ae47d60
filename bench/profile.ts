// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function, summed over
// every node of the call tree with the same function and location, largest first, idle time left out.
interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], samples?: number[], timeDeltas?: number[], startTime?: number, endTime?: number }

export interface Frame { name: string, location: string, percent: number }

/**
 * `window`: only the samples taken between `skipLastSeconds` before the end and `seconds` before that (the load, not
 * start-up or shutdown); without it, every sample.
 */
export function summariseCpuProfile (profile: CpuProfile, top: number, window?: { seconds: number, skipLastSeconds: number }): Frame[] {
  const hits = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  let time = profile.startTime ?? 0
  const end = profile.endTime ?? 0
  samples.forEach((sample, index) => {
    time += deltas[index] ?? 0
    if (window && deltas.length === samples.length && (time > end - window.skipLastSeconds * 1e6 || time < end - (window.skipLastSeconds + window.seconds) * 1e6)) return
    hits.set(sample, (hits.get(sample) ?? 0) + 1)
  })
  const byFrame = new Map<string, { name: string, location: string, count: number }>()
  let total = 0
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? (samples.length === 0 ? node.hitCount ?? 0 : 0)
    // Idle time is the event loop waiting, not work: shares are of the time spent working.
    if (count === 0 || node.callFrame.functionName === '(idle)') continue
    total += count
    const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(`${process.cwd()}/`, '')
    const location = url ? `${url}:${node.callFrame.lineNumber + 1}` : ''
    const name = node.callFrame.functionName || '(anonymous)'
    const key = `${name}@${location}`
    const entry = byFrame.get(key) ?? { name, location, count: 0 }
    entry.count += count
    byFrame.set(key, entry)
  }
  return [...byFrame.values()].sort((a, b) => b.count - a.count).slice(0, top)
    .map((entry) => ({ name: entry.name, location: entry.location, percent: total === 0 ? 0 : (entry.count / total) * 100 }))
}

function shortUrl (url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(`${process.cwd()}/`, '')
}

/**
 * Each non-idle sample charged to the family of the nearest frame on its stack whose file matches one, so a hook's
 * share includes the Fastify calls and libraries it makes (reply.header, helmet's middleware, prom-client). The
 * search stops at Fastify's hook runner (lib/hooks.js): with synchronous hooks, `done()` runs the next hook and in
 * the end writes the answer inside the previous hook's frame, and that is not the previous hook's cost. Samples
 * charged to no family are Fastify, Node's HTTP, GC and V8 itself: "(framework, node:http, GC)".
 */
export function chargeToFamilies (profile: CpuProfile, families: Array<[string, RegExp]>): Map<string, number> {
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const familyOf = new Map<number, string>()
  const resolve = (id: number): string => {
    const known = familyOf.get(id)
    if (known !== undefined) return known
    const url = shortUrl(byId.get(id)?.callFrame.url ?? '')
    const up = parent.get(id)
    const own = families.find(([, pattern]) => pattern.test(url))?.[0] ?? (/^fastify\/lib\/hooks\.js/.test(url) || up === undefined ? '' : resolve(up))
    familyOf.set(id, own)
    return own
  }
  const counts = new Map<string, number>()
  let total = 0
  const hits = new Map<number, number>()
  for (const sample of profile.samples ?? []) hits.set(sample, (hits.get(sample) ?? 0) + 1)
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? node.hitCount ?? 0
    if (count === 0 || node.callFrame.functionName === '(idle)') continue
    const family = resolve(node.id) || '(framework, node:http, GC)'
    counts.set(family, (counts.get(family) ?? 0) + count)
    total += count
  }
  return new Map([...counts].map(([family, count]) => [family, count / total]))
}
