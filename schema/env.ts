import { Type, type Static } from '@sinclair/typebox'
import { StringEnum } from './common.js'

export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'unset: embedded PGlite' })),
  PGLITE_DIR: Type.String({ minLength: 1, default: './data/pglite', description: 'data directory of the embedded database; memory:// for a throwaway one' }),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
  NODE_ENV: StringEnum(['development', 'production', 'test'] as const, { default: 'development' })
})
export type Env = Static<typeof EnvSchema>
