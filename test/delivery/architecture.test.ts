// The shape the delivery layer promises: REST routes and GraphQL resolvers are adapters over src/delivery/reads.ts
// (no repository, release store or SQL of their own), and no module imports itself back through another.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'tap'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SOURCES = ['src', 'schema', 'db'].flatMap((dir) => walk(join(ROOT, dir))).filter((file) => file.endsWith('.ts'))

function walk (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** Relative imports of a file (type-only ones too: a cycle of types is still a tangle), as absolute .ts paths. */
function importsOf (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)\b[^'"]*?from '(\.[^']+)'/gm)]
    .map((match) => resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts')))
}

test('no import cycles among src, schema and db', async (t) => {
  const graph = new Map(SOURCES.map((file) => [file, importsOf(file).filter((target) => SOURCES.includes(target))]))
  const cycles: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((item) => relative(ROOT, item)).join(' → '))
      return
    }
    state.set(file, 'open')
    for (const target of graph.get(file) ?? []) visit(target, [...path, file])
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file, [])
  t.same(cycles, [], 'every import chain ends')
  t.ok(graph.size > 50, `${graph.size} modules checked`)
})

test('REST routes and GraphQL resolvers read only through the delivery layer', async (t) => {
  // Content reads only: the health probes ask the database whether it answers, which is their job.
  const adapters = [...walk(join(ROOT, 'src/routes/v1')), join(ROOT, 'src/routes/embed.ts'), ...walk(join(ROOT, 'src/graphql'))].filter((file) => file.endsWith('.ts'))
  for (const file of adapters) {
    const text = readFileSync(file, 'utf8')
    const name = relative(ROOT, file)
    t.notMatch(text, /from '[^']*repositories\//, `${name}: imports no repository`)
    t.notMatch(text, /\.contentRepository\b|\.releases\.snapshot\(|drizzle-orm/, `${name}: no repository, release store or SQL of its own`)
  }
  t.ok(adapters.some((file) => file.endsWith('resolvers.ts')) && adapters.some((file) => file.endsWith('entities.ts')), 'both doors were checked')
})
