// Static limits on GraphQL documents, checked before anything executes (reliability A1–A4): a depth rule, a cost
// budget where every list multiplies what it contains, page sizes, an alias cap, and the helpers that enforce them.
import {
  GraphQLError, Kind, SchemaMetaFieldDef, TypeMetaFieldDef, getNamedType, isListType, isNonNullType, isObjectType, isInterfaceType,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLSchema,
  type GraphQLOutputType, type GraphQLCompositeType, type SelectionSetNode, type ValidationContext, type ASTVisitor, type ValueNode
} from 'graphql'
import { PAGE_SIZES } from '../../schema/common.js'

export const COST_BUDGET = 10_000
export const MAX_DEPTH = 10
export const MAX_ALIASES = 15
/**
 * Introspection lists (types, fields, args …) count this many items each. The answer to an introspection document
 * is computed once per schema and then served from memory, so the count is not the price of the standard query
 * (about 2,700); it is what refuses nested introspection, which the depth rule lets through, before it runs.
 */
export const INTROSPECTION_LIST_SIZE = 5
/** The page sizes of each connection field, from the table both doors share; entity lists use `entities`. */
const PAGE_SIZE_OF: Record<string, { default: number, max: number }> = { changes: PAGE_SIZES.changes, search: PAGE_SIZES.search, releases: PAGE_SIZES.releases }
/** Relations of one entity are bounded by the corpus, not by an argument: counted as this many items. */
export const RELATION_LIST_SIZE = 20
/** Plain data carried inside an entity: no resolver or query behind it, so it costs nothing. */
const VALUE_TYPES = new Set(['Section', 'Code', 'Reviewer', 'Review', 'Source', 'CrisisResource', 'RegulatoryEntry', 'Protocol', 'PageInfo', 'FieldChange', 'Attribution', 'ReleaseStats', 'Meta'])

/** Refuses the document before anything runs: a GraphQL request error (GraphQL over HTTP), not a field error. */
export class DocumentRejectedError extends Error {
  readonly statusCode = 400
  readonly rejectsDocument = true
  constructor (readonly code: string, message: string) {
    super(message)
  }
}

export class QueryCostError extends DocumentRejectedError {
  constructor (readonly cost: number) {
    super('KCA_ERR_QUERY_COST', `query cost ${cost} exceeds the budget of ${COST_BUDGET}; ask for smaller pages (first:) or fewer nested lists`)
  }
}

function isList (type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type)
}

function argumentValue (node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined
  if (node.kind === Kind.VARIABLE) return variables[node.name.value]
  if (node.kind === Kind.INT) return Number(node.value)
  return undefined
}

/** Items a list field may return: its `first` argument (variables applied), a default, or the relation bound. */
function listSize (field: FieldNode, definition: GraphQLField<unknown, unknown>, variables: Record<string, unknown>): number {
  if (getNamedType(definition.type).name.startsWith('__')) return INTROSPECTION_LIST_SIZE
  const firstNode = field.arguments?.find((argument) => argument.name.value === 'first')
  const first = argumentValue(firstNode?.value, variables)
  if (typeof first === 'number' && Number.isFinite(first)) {
    // Checked here, before execution, so a bad page size is a request error like any other invalid document.
    const max = (PAGE_SIZE_OF[definition.name] ?? PAGE_SIZES.entities).max
    if (!Number.isInteger(first) || first < 1 || first > max) throw new DocumentRejectedError('KCA_ERR_BAD_REQUEST', `first: must be an integer from 1 to ${max}`)
    return first
  }
  const declared = definition.args.find((argument) => argument.name === 'first')?.defaultValue
  if (typeof declared === 'number') return declared
  return definition.args.some((argument) => argument.name === 'first') ? (PAGE_SIZE_OF[definition.name] ?? PAGE_SIZES.entities).default : RELATION_LIST_SIZE
}

/** The cost of a document: every object field costs 1, and a list multiplies (1 + what each item selects). */
export function documentCost (schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)

  const selectionCost = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!selectionSet) return 0
    let total = 0
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue
        const name = selection.name.value
        const definition = name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : parent.getFields()[name]
        if (!definition) continue
        const named = getNamedType(definition.type)
        if ((!isObjectType(named) && !isInterfaceType(named)) || VALUE_TYPES.has(named.name)) continue
        const inner = selectionCost(named, selection.selectionSet, seen)
        if (parent.name.endsWith('Connection') || parent.name.endsWith('Edge')) {
          // The connection already counted each item once per page slot: nodes and edges are those same items.
          total += inner
        } else {
          total += isList(definition.type) || named.name.endsWith('Connection') ? listSize(selection, definition, variables) * (1 + inner) : 1 + inner
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value
        const target = typeName ? schema.getType(typeName) as GraphQLCompositeType | undefined : parent
        total += selectionCost(target ?? parent, selection.selectionSet, seen)
      } else {
        const name = selection.name.value
        const fragment = fragments.get(name)
        // A fragment spread inside itself is rejected by validation; here it must only not loop.
        if (!fragment || seen.has(name)) continue
        const target = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined
        total += selectionCost(target ?? parent, fragment.selectionSet, new Set([...seen, name]))
      }
    }
    return total
  }

  let cost = 0
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    if (operationName && definition.name?.value !== operationName) continue
    const root = definition.operation === 'query' ? schema.getQueryType() : definition.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType()
    if (root) cost += selectionCost(root, definition.selectionSet, new Set())
  }
  return cost
}

/**
 * Depth ≤ `limit`, counted through named and inline fragments. Introspection (`__schema`, `__type`) is exempt: the
 * standard introspection query is 13 deep, and the cost rule counts it instead.
 */
export function maxDepthRule (limit = MAX_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepths = new Map<string, number>()
    const depthOf = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
      let max = 0
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue
          max = Math.max(max, 1 + (selection.selectionSet ? depthOf(selection.selectionSet, visiting) : 0))
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(selection.selectionSet, visiting))
        } else {
          const name = selection.name.value
          let depth = fragmentDepths.get(name)
          if (depth === undefined) {
            const fragment = context.getFragment(name)
            // A fragment inside itself is reported by NoFragmentCyclesRule; here it must only not loop.
            if (!fragment || visiting.has(name)) continue
            visiting.add(name)
            depth = depthOf(fragment.selectionSet, visiting)
            visiting.delete(name)
            fragmentDepths.set(name, depth)
          }
          max = Math.max(max, depth)
        }
      }
      return max
    }
    return {
      OperationDefinition (node) {
        const depth = depthOf(node.selectionSet, new Set())
        if (depth > limit) context.reportError(new GraphQLError(`query depth ${depth} exceeds the maximum of ${limit}`, { nodes: [node], extensions: { code: 'KCA_ERR_QUERY_DEPTH' } }))
      }
    }
  }
}

/** Aliases let one request ask for the same expensive field many times: at most MAX_ALIASES per document. */
export function maxAliasesRule (context: ValidationContext): ASTVisitor {
  let aliases = 0
  return {
    Field (node) {
      if (!node.alias) return
      aliases++
      if (aliases === MAX_ALIASES + 1) context.reportError(new GraphQLError(`a document may use at most ${MAX_ALIASES} aliases`, { nodes: [node], extensions: { code: 'KCA_ERR_QUERY_ALIASES' } }))
    }
  }
}
