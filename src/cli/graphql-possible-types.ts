// npm run graphql:possible-types: rewrites schema/graphql/possible-types.json from schema/graphql/schema.graphql.
import { POSSIBLE_TYPES_PATH, SDL } from '../plugins/app/graphql.js'
import { writePossibleTypes } from '../graphql/possible-types.js'

writePossibleTypes(SDL, POSSIBLE_TYPES_PATH)
console.log(`wrote ${POSSIBLE_TYPES_PATH}`)
