// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function, summed over
// every node of the call tree with the same function and location, largest first, idle time left out.
interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }
interface CpuProfile { nodes: ProfileNode[], samples?: number[] }

export interface Frame { name: string, location: string, percent: number }

export function summariseCpuProfile (profile: CpuProfile, top: number): Frame[] {
  const hits = new Map<number, number>()
  for (const sample of profile.samples ?? []) hits.set(sample, (hits.get(sample) ?? 0) + 1)
  const byFrame = new Map<string, { name: string, location: string, count: number }>()
  let total = 0
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? node.hitCount ?? 0
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
