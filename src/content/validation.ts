// Ajv, configured like Fastify's own validator, turns a TypeBox schema into a checker whose problems name the
// field path in the editors' terms (`codes[1].code`) and say why in plain words.
import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { TSchema } from '@sinclair/typebox'

export interface FieldProblem { path: string, message: string }

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false })
addFormats(ajv)

export function compileValidator (schema: TSchema): (value: unknown) => FieldProblem[] {
  const validate = ajv.compile(schema)
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(describeProblem))
}

export function jsonPointerToPath (pointer: string): string {
  return pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '')
}

function describeProblem (error: ErrorObject): FieldProblem {
  const path = jsonPointerToPath(error.instancePath)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: path ? `${path}.${String(params.missingProperty)}` : String(params.missingProperty), message: 'is required' }
    case 'additionalProperties':
      return { path: path ? `${path}.${String(params.additionalProperty)}` : String(params.additionalProperty), message: 'is not a known field' }
    case 'enum':
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` }
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters` }
    default:
      return { path, message: error.message ?? 'is invalid' }
  }
}
