// Apollo Client's InMemoryCache needs to know which object types implement each interface (fragments on `Entity`
// or `Node` match nothing without it). Published as schema/graphql/possible-types.json beside the SDL, written by
// `npm run graphql:possible-types`; a test fails when it drifts from the running schema.
import { writeFileSync } from 'node:fs'
import { buildSchema, isAbstractType, type GraphQLSchema } from 'graphql'

/** Every interface and union with the object types that implement it, names sorted. */
export function possibleTypesOf (schema: GraphQLSchema): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && !type.name.startsWith('__')) map[type.name] = schema.getPossibleTypes(type).map((possible) => possible.name).sort()
  }
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a < b ? -1 : 1))
}

export function possibleTypesJson (schema: GraphQLSchema): string {
  return JSON.stringify(possibleTypesOf(schema), null, 2) + '\n'
}

/** Writes the file from the checked-in SDL. */
export function writePossibleTypes (sdl: string, target: string): void {
  writeFileSync(target, possibleTypesJson(buildSchema(sdl)))
}
