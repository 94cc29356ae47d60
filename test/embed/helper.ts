import { DEFAULT_SEEDS_DIR } from '../../src/plugins/app/content.js'
import type { DatabaseHandle } from '../../db/client.js'
import { testDatabase, type TestContext } from '../helper.js'
import { SeedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

/** A database holding the editorial seed corpus, published before the app starts. */
export async function seedCorpusDatabase (t: TestContext): Promise<DatabaseHandle> {
  const database = await testDatabase(t)
  await publishSeedsDir(database, new SeedsDir(DEFAULT_SEEDS_DIR), 'Initial publication of the seed content')
  return database
}
