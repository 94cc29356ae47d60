// Version floors for published advisories (npm audit cannot reach its service here): asserted from the tree.
import { execFileSync } from 'node:child_process'
import { test } from 'tap'

interface Tree { version?: string, dependencies?: Record<string, Tree> }

function versionsOf (tree: Tree, name: string, found: string[] = []): string[] {
  for (const [dependency, child] of Object.entries(tree.dependencies ?? {})) {
    if (dependency === name && child.version) found.push(child.version)
    versionsOf(child, name, found)
  }
  return found
}

const atLeast = (version: string, floor: string) => {
  const [a, b] = [version, floor].map((text) => text.split('.').map(Number))
  for (let index = 0; index < 3; index++) {
    if ((a?.[index] ?? 0) !== (b?.[index] ?? 0)) return (a?.[index] ?? 0) > (b?.[index] ?? 0)
  }
  return true
}

test('dependency floors', async (t) => {
  const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Tree
  for (const [name, floor] of [['fastify', '5.8.3'], ['mercurius', '16.10.1'], ['drizzle-orm', '0.45.2']] as const) {
    const versions = [...new Set(versionsOf(tree, name))]
    t.ok(versions.length > 0, `${name} is installed`)
    for (const version of versions) t.ok(atLeast(version, floor), `${name} ${version} ≥ ${floor}`)
  }
  const graphql = [...new Set(versionsOf(tree, 'graphql'))]
  t.equal(graphql.length, 1, `exactly one graphql in the tree (${graphql.join(', ')})`)
  t.match(graphql[0], /^16\./, 'graphql 16')
})
