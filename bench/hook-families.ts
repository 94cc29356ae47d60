// The families of hooks bench/hook-cost.ts leaves out one at a time (bench/hook-server.ts drops them).
/** Family → which hooks (by kind) registered from where make it up. */
export const HOOK_FAMILIES: Record<string, { kinds: string[], registeredFrom: RegExp, not?: RegExp }> = {
  'security+cors': { kinds: ['onRequest', 'onSend'], registeredFrom: /@fastify\/(helmet|cors)\/|plugins\/external\/security\.ts/ },
  'rate-limit': { kinds: ['onRoute'], registeredFrom: /@fastify\/rate-limit\// },
  'under-pressure': { kinds: ['onRequest'], registeredFrom: /@fastify\/under-pressure\// },
  auth: { kinds: ['onRequest', 'preParsing'], registeredFrom: /plugins\/app\/auth\.ts/ },
  'closing+deadline': { kinds: ['onRequest', 'onResponse'], registeredFrom: /src\/app\.ts|src\/limits\/deadline\.ts/ },
  'allowed-methods': { kinds: ['onSend'], registeredFrom: /plugins\/app\/allowed-methods\.ts/ },
  freshness: { kinds: ['onSend'], registeredFrom: /plugins\/app\/freshness\.ts/ },
  'response-cache': { kinds: ['preHandler', 'onSend'], registeredFrom: /plugins\/app\/response-cache\.ts/, not: /plugins\/app\/graphql\.ts/ },
  'graphql (global hooks)': { kinds: ['preHandler', 'onSend'], registeredFrom: /plugins\/app\/graphql\.ts/ },
  compression: { kinds: ['onSend'], registeredFrom: /plugins\/app\/compression\.ts/ },
  metrics: { kinds: ['onResponse'], registeredFrom: /plugins\/app\/metrics\.ts/ },
  'access-log': { kinds: ['onResponse'], registeredFrom: /plugins\/app\/access-log\.ts/ }
}

/** For the profile: the code each family runs, by file (node_modules paths as bench/profile.ts shortens them). */
export const PROFILE_FAMILIES: Array<[string, RegExp]> = [
  ['security+cors (helmet, cors)', /^(@fastify\/helmet|@fastify\/cors|helmet)\/|src\/plugins\/external\/security\.ts/],
  ['rate-limit', /^@fastify\/rate-limit\/|src\/limits\/rate-limit-store\.ts/],
  ['under-pressure', /^@fastify\/under-pressure\//],
  ['auth', /src\/plugins\/app\/auth\.ts/],
  ['closing+deadline, error handler (app.ts)', /src\/app\.ts|src\/limits\/deadline\.ts/],
  ['allowed-methods', /src\/plugins\/app\/allowed-methods\.ts/],
  ['freshness', /src\/plugins\/app\/freshness\.ts/],
  ['response cache (REST)', /src\/plugins\/app\/response-cache\.ts|src\/delivery\//],
  ['graphql global hooks', /src\/plugins\/app\/graphql\.ts/],
  ['compression', /src\/plugins\/app\/compression\.ts/],
  ['metrics (prom-client)', /src\/plugins\/app\/metrics\.ts|^prom-client\//],
  ['access-log, logger (pino)', /src\/plugins\/app\/access-log\.ts|^pino/],
  ['route handlers (src/routes)', /src\/routes\//]
]
