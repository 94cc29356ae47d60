// The REST answer cache stays within its byte budget, counting what V8 holds: the key, and two bytes per character
// for a payload with any character beyond Latin-1 (V8 then stores the whole string in two-byte form).
import { test } from 'tap'
import { ResponseCache } from '../../src/plugins/app/response-cache.js'

test('entries are counted as held and the oldest leave first', async (t) => {
  const cache = new ResponseCache(100, 1000)
  cache.set('a', { payload: 'x'.repeat(299), headers: {} })
  t.equal(cache.size.bytes, 300, 'one byte per Latin-1 character, plus the key')
  cache.set('b', { payload: '—'.repeat(150), headers: {} })
  t.equal(cache.size.bytes, 300 + 301, 'two bytes per character once one is beyond Latin-1')
  cache.set('c', { payload: 'y'.repeat(499), headers: {} })
  t.equal(cache.size.entries, 2, 'over the budget: the oldest entry went')
  t.notOk(cache.get('a'))
  t.ok(cache.get('b'))
  t.ok(cache.get('c'))
  t.ok(cache.size.bytes <= 1000)
  const entry = cache.get('c')
  if (!entry) throw new Error('c is kept')
  const body = cache.identityBody('c', entry)
  t.equal(body.toString(), 'y'.repeat(499))
  t.equal(cache.size.entries, 1, 'the bytes sent by the front door count too: b had to go')
  t.equal(cache.size.bytes, 500 + 499)
})
