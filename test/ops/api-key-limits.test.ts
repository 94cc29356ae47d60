// Limits before work (issue 14, deliver 1): the rate limiter identifies a client from memory alone; a made-up key
// is limited per IP like an anonymous client, counted, and costs at most one query per TTL; a verified key keeps
// working from memory while the database is down.
import { randomBytes } from 'node:crypto'
import { test } from 'tap'
import fc from 'fast-check'
import { createDatabase } from '../../db/client.js'
import { migrateDatabase } from '../../db/migrate.js'
import { createApiKey, createKeyVerifier, generateKey, hashKey, type VerifiedKey } from '../../src/access/api-keys.js'
import type { AccessRepository, ApiKeyRecord } from '../../src/repositories/access-repository.js'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { clusterUnavailable, createCluster } from '../faults/pg-cluster.js'

const fakeKey = () => `kca_${randomBytes(8).toString('hex').slice(0, 10)}_${randomBytes(32).toString('base64url')}`
const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)

test('a made-up key is limited like an anonymous client, counted, and costs one query per TTL', async (t) => {
  const statements: string[] = []
  const database = await testDatabase(t, { onQuery: (sql) => statements.push(sql) })
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 3, RATE_LIMIT_KEY: 100 } })
  const keyLookups = () => statements.filter((sql) => /"api_keys"/.test(sql)).length

  const first = fakeKey()
  const before = keyLookups()
  const statuses: number[] = []
  for (let i = 0; i < 10; i++) {
    statuses.push((await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${first}` }, remoteAddress: '10.0.0.1' })).statusCode)
  }
  // The first sighting spends the address's bucket for unverified keys; once known invalid, the key is limited
  // exactly like an anonymous client from that address (three more 401s, then 429s).
  t.same(statuses, [401, 401, 401, 401, 429, 429, 429, 429, 429, 429], 'limited per address before and after the lookup')
  t.equal(keyLookups() - before, 1, 'one query for the first sighting, none for the nine repeats')
  const counted = async () => metric((await app.inject({ url: '/metrics', remoteAddress: '10.0.0.9' })).body, 'kca_api_key_invalid_total')
  t.equal(await counted(), 10, 'all ten counted, the 429s included')

  // Ten at once with another made-up key, from another address: the lookups are shared, not repeated.
  const second = fakeKey()
  const concurrentBefore = keyLookups()
  const concurrent = await Promise.all(Array.from({ length: 10 }, () => app.inject({ url: '/v1/risks', headers: { 'x-api-key': second }, remoteAddress: '10.0.0.2' })))
  t.same(concurrent.map((response) => response.statusCode).sort(), [401, 401, 401, 429, 429, 429, 429, 429, 429, 429])
  t.ok(keyLookups() - concurrentBefore <= 1, `at most one query for ten concurrent requests (${keyLookups() - concurrentBefore})`)

  // A string that cannot be a key never reaches the database; a fresh address gets its own anonymous bucket.
  const malformedBefore = keyLookups()
  const malformed = await app.inject({ url: '/v1/risks', headers: { authorization: 'Bearer not-a-key' }, remoteAddress: '10.0.0.3' })
  t.equal(malformed.statusCode, 401)
  t.equal(malformed.json().code, 'KCA_ERR_UNAUTHORIZED')
  t.equal(keyLookups(), malformedBefore)

  // A flood of distinct made-up keys from one address: the limit still holds, so queries stay at the limit.
  const floodBefore = keyLookups()
  const flood = []
  for (let i = 0; i < 20; i++) flood.push((await app.inject({ url: '/v1/risks', headers: { 'x-api-key': fakeKey() }, remoteAddress: '10.0.0.4' })).statusCode)
  t.equal(flood.filter((status) => status === 429).length, 17, 'distinct keys do not buy distinct buckets')
  t.equal(keyLookups() - floodBefore, 3, 'only the requests the limiter let through were looked up')

  // A real key: its first sighting is limited per address like any unknown key; from then on it has its own,
  // higher limit, and is served from memory.
  const { key } = await createApiKey(app.accessRepository, 'Partner', ['read'])
  const validBefore = keyLookups()
  for (let i = 0; i < 8; i++) {
    const response = await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${key}` }, remoteAddress: '10.0.0.5' })
    t.equal(response.statusCode, 200, `partner request ${i + 1}`)
    t.equal(response.headers['ratelimit-limit'], i === 0 ? '3' : '100', i === 0 ? 'first sighting: the address\'s limit' : 'the partner limit once the key is known')
  }
  t.equal(keyLookups() - validBefore, 1, 'one lookup for eight requests')

  // Probes and metrics ignore keys and are never limited.
  const invalidBefore = await counted()
  const probeBefore = keyLookups()
  const probe = await app.inject({ url: '/health/live', headers: { 'x-api-key': fakeKey() }, remoteAddress: '10.0.0.1' })
  t.equal(probe.statusCode, 200)
  t.equal(keyLookups(), probeBefore)
  t.equal(await counted(), invalidBefore, 'an unknown key on a probe is neither looked up nor counted')
})

test('a verified key keeps working from memory while the database is down', { skip: (await clusterUnavailable()) ?? false, timeout: 120_000 }, async (t) => {
  const cluster = await createCluster()
  t.teardown(() => cluster.destroy())
  const database = await createDatabase({ databaseUrl: cluster.url, poolSize: 3, statementTimeoutMs: 1000 })
  t.teardown(() => database.close())
  await migrateDatabase(database)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { API_KEY_CACHE_TTL_MS: 200, RATE_LIMIT_ANONYMOUS: 1000, RATE_LIMIT_KEY: 1000, REQUEST_TIMEOUT_MS: 3000 } })
  const { key } = await createApiKey(app.accessRepository, 'Partner', ['read'])
  const ask = (apiKey: string) => app.inject({ url: '/v1/risks/low-risk', headers: { authorization: `Bearer ${apiKey}` } })
  t.equal((await ask(key)).statusCode, 200, 'verified while the database is up')

  await cluster.stop()
  await new Promise((resolve) => setTimeout(resolve, 300))
  const during = await ask(key)
  t.equal(during.statusCode, 200, 'past its TTL, the verified key still works from memory')
  t.equal((await ask(key)).statusCode, 200, 'and again')
  const unknown = await ask(fakeKey())
  t.equal(unknown.statusCode, 503, 'a key never verified cannot be checked: 503, never a 500 or a silent pass')
  t.equal(unknown.json().code, 'KCA_ERR_UNAVAILABLE')
  t.equal((await app.inject('/v1/risks/low-risk')).statusCode, 200, 'anonymous reads as before')

  await cluster.start()
  await app.accessRepository.revokeKey(key.split('_')[1] as string).catch(async () => {
    // The pool may need a moment after the restart.
    await new Promise((resolve) => setTimeout(resolve, 500))
    return await app.accessRepository.revokeKey(key.split('_')[1] as string)
  })
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal((await ask(key)).statusCode, 401, 'a revocation takes effect within the TTL once the database answers')
})

// The verifier's contract as a model: whatever the order of lookups, clock moves and outages, a verdict is asked
// of the database at most once per key and TTL while it answers, and a verified key is refused only by the database.
test('the key verifier against a model (fast-check)', async (t) => {
  const keys = Array.from({ length: 3 }, () => generateKey())
  const made = Array.from({ length: 2 }, () => fakeKey())
  const presented = [...keys.map((key) => key.key), ...made]
  const ttlMs = 1000
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(
    fc.record({ kind: fc.constant('verify' as const), index: fc.nat(presented.length - 1) }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    fc.record({ kind: fc.constant('outage' as const), down: fc.boolean() })
  ), { maxLength: 60 }), async (commands) => {
    let time = 0
    let down = false
    const lookups: Array<{ prefix: string, at: number }> = []
    const records = new Map<string, ApiKeyRecord>(keys.map((key, id) => [key.prefix, { id, name: `k${id}`, prefix: key.prefix, keyHash: key.keyHash, scopes: ['read'], createdAt: new Date(0), revokedAt: null }]))
    const repository = {
      async findKeyByPrefix (prefix: string) {
        if (down) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' })
        lookups.push({ prefix, at: time })
        return records.get(prefix) ?? null
      }
    } as unknown as AccessRepository
    const verifier = createKeyVerifier(repository, { ttlMs, now: () => time })
    const everVerified = new Set<string>()
    for (const command of commands) {
      if (command.kind === 'tick') time += command.ms
      else if (command.kind === 'outage') down = command.down
      else {
        const key = presented[command.index] as string
        const isReal = command.index < keys.length
        let answer: VerifiedKey | null | 'failed'
        try {
          answer = await verifier.verify(key)
        } catch {
          answer = 'failed'
        }
        if (!isReal && answer !== null && answer !== 'failed') return false
        if (isReal && answer === null) return false
        if (isReal && answer === 'failed' && everVerified.has(key)) return false
        if (isReal && answer !== 'failed' && answer !== null) everVerified.add(key)
        const peek = verifier.peek(key)
        if (peek.verdict === 'valid' && !isReal) return false
      }
    }
    // Within one TTL window the database is asked at most once per key.
    for (const [index, lookup] of lookups.entries()) {
      if (lookups.slice(index + 1).some((later) => later.prefix === lookup.prefix && later.at - lookup.at <= ttlMs && later.at >= lookup.at)) return false
    }
    return true
  }), { numRuns: 200 })
  t.pass('200 runs')
  t.equal(hashKey('x').length, 64)
})
