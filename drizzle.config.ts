import { defineConfig } from 'drizzle-kit'

// `drizzle-kit generate` needs no database; the migrations it writes serve PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/tables/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
  ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {})
})
