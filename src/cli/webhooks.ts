// npm run webhooks -- add --url https://partner.example/hook | list | remove --id N | deliveries --id N
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createAccessRepository } from '../repositories/access-repository.js'
import { migrateDatabase } from '../../db/migrate.js'
import { configOrExit, openDatabase } from './shared.js'

const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  options: { url: { type: 'string' }, id: { type: 'string' } },
  allowPositionals: true,
  strict: true
})
const command = positionals[0]
const usage = 'usage: npm run webhooks -- add --url URL | list | remove --id N | deliveries --id N'

const database = await openDatabase(configOrExit())
try {
  await migrateDatabase(database)
  const repository = createAccessRepository(database.db)
  const id = Number(values.id)
  if (command === 'add' && values.url && /^https?:\/\/\S+$/.test(values.url)) {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    const endpoint = await repository.insertEndpoint({ url: values.url, secret })
    process.stdout.write(`added endpoint ${endpoint.id} → ${endpoint.url}\nsigning secret (shown once): ${secret}\n`)
  } else if (command === 'list') {
    for (const endpoint of await repository.listEndpoints({ activeOnly: false })) {
      process.stdout.write(`${endpoint.id}  ${endpoint.url}  ${endpoint.active ? 'active' : 'removed'}\n`)
    }
  } else if (command === 'remove' && Number.isInteger(id)) {
    process.exitCode = await repository.deactivateEndpoint(id) ? 0 : 1
  } else if (command === 'deliveries' && Number.isInteger(id)) {
    for (const delivery of await repository.listDeliveries(id)) {
      process.stdout.write(`release ${delivery.releaseNumber} attempt ${delivery.attempt}: ${delivery.succeeded ? 'delivered' : `failed (${delivery.error})`} ${delivery.durationMs} ms ${delivery.at.toISOString()}\n`)
    }
  } else {
    process.stderr.write(`${usage}\n`)
    process.exitCode = 2
  }
} finally {
  await database.close()
}
