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

test('a window keeps only the samples of the load: start-up and shutdown are left out', async (t) => {
  const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0 })
  const profile = {
    nodes: [{ id: 1, callFrame: frame('compile') }, { id: 2, callFrame: frame('serve') }, { id: 3, callFrame: frame('close') }],
    // One sample a second: 3 s of start-up, 4 s of load, 1 s of shutdown.
    samples: [1, 1, 1, 2, 2, 2, 2, 3],
    timeDeltas: [1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6],
    startTime: 0,
    endTime: 8e6
  }
  t.same(summariseCpuProfile(profile, 3, { seconds: 3.5, skipLastSeconds: 0.5 }).map((entry) => [entry.name, entry.percent]), [['serve', 100]])
  t.same(summariseCpuProfile(profile, 3).map((entry) => entry.name), ['serve', 'compile', 'close'], 'no window: every sample')
})

test('hook-cost charges a sample to the nearest hook family on its stack, not across Fastify\'s hook runner', async (t) => {
  const { chargeToFamilies } = await import('../../bench/profile.js')
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 })
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 8] },
      { id: 2, callFrame: frame('next', 'file:///app/node_modules/fastify/lib/hooks.js'), children: [3] },
      { id: 3, callFrame: frame('recordRequest', 'file:///app/src/plugins/app/metrics.ts'), children: [4, 5] },
      { id: 4, callFrame: frame('observe', 'file:///app/node_modules/prom-client/lib/histogram.js') },
      { id: 5, callFrame: frame('done', 'file:///app/node_modules/fastify/lib/hooks.js'), children: [6] },
      { id: 6, callFrame: frame('securityHeaders', 'file:///app/src/plugins/external/security.ts'), children: [7] },
      { id: 7, callFrame: frame('header', 'file:///app/node_modules/fastify/lib/reply.js') },
      { id: 8, callFrame: frame('(idle)', '') }
    ],
    samples: [3, 4, 5, 6, 7, 7, 8, 8]
  }
  const shares = chargeToFamilies(profile, [['metrics', /metrics\.ts|^prom-client\//], ['security', /security\.ts/]])
  t.same(Object.fromEntries(shares), { metrics: 2 / 6, '(framework, node:http, GC)': 1 / 6, security: 3 / 6 })
})
