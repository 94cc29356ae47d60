// The benchmark's profile summary adds self time across call-tree nodes of one function and ranks it.
import { test } from 'tap'
import { summariseCpuProfile } from '../../bench/profile.js'

test('self time is summed per function and location, largest first, as a share of the samples that were not idle', async (t) => {
  const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber })
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', 0) },
      { id: 2, callFrame: frame('serialize', 'file:///app/node_modules/fast-json-stringify/index.js', 9) },
      { id: 3, callFrame: frame('serialize', 'file:///app/node_modules/fast-json-stringify/index.js', 9) },
      { id: 4, callFrame: frame('', 'file:///app/src/hook.ts', 0) },
      { id: 5, callFrame: frame('(idle)', '', 0) }
    ],
    samples: [2, 3, 3, 4, 2, 5, 5, 3, 4, 1]
  }
  const frames = summariseCpuProfile(profile, 2)
  t.same(frames.map((entry) => [entry.name, entry.location, entry.percent]), [
    ['serialize', 'fast-json-stringify/index.js:10', 62.5],
    ['(anonymous)', '/app/src/hook.ts:1', 25]
  ])
})
