// npm run keys -- create --name "Partner" --scopes read,preview | list | revoke --prefix <prefix>
import { API_KEY_SCOPES, createApiKey, type ApiKeyScope } from '../access/api-keys.js'
import { createAccessRepository } from '../repositories/access-repository.js'
import { migrateDatabase } from '../../db/migrate.js'
import { configOrExit, openDatabase } from './shared.js'
import { parseArgs } from 'node:util'

const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  options: { name: { type: 'string' }, scopes: { type: 'string' }, prefix: { type: 'string' } },
  allowPositionals: true,
  strict: true
})
const command = positionals[0]
const usage = 'usage: npm run keys -- create --name NAME [--scopes read,preview] | list | revoke --prefix PREFIX'

const database = await openDatabase(configOrExit())
try {
  await migrateDatabase(database)
  const repository = createAccessRepository(database.db)
  if (command === 'create') {
    const scopes = (values.scopes ?? 'read').split(',').map((scope) => scope.trim()).filter(Boolean)
    const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope))
    if (!values.name || unknown.length > 0) {
      process.stderr.write(`${unknown.length > 0 ? `unknown scope(s): ${unknown.join(', ')}; allowed: ${API_KEY_SCOPES.join(', ')}\n` : ''}${usage}\n`)
      process.exitCode = 2
    } else {
      const { key, prefix } = await createApiKey(repository, values.name, scopes as ApiKeyScope[])
      process.stdout.write(`created key ${prefix} for "${values.name}" with scopes ${scopes.join(', ')}\n${key}\nThis is the only time the key is shown; only its hash is stored.\n`)
    }
  } else if (command === 'list') {
    for (const key of await repository.listKeys()) {
      process.stdout.write(`${key.prefix}  ${key.name}  ${key.scopes.join(',')}  created ${key.createdAt.toISOString()}${key.revokedAt ? `  REVOKED ${key.revokedAt.toISOString()}` : ''}\n`)
    }
  } else if (command === 'revoke' && values.prefix) {
    const revoked = await repository.revokeKey(values.prefix)
    process.stdout.write(revoked ? `revoked ${values.prefix}\n` : `no active key with prefix ${values.prefix}\n`)
    process.exitCode = revoked ? 0 : 1
  } else {
    process.stderr.write(`${usage}\n`)
    process.exitCode = 2
  }
} finally {
  await database.close()
}
