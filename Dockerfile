# syntax=docker/dockerfile:1
# The API as built JavaScript on Node 20, without dev dependencies, as a non-root user.
#   docker build -t ketamine-content-api .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://… ketamine-content-api
# Without DATABASE_URL it serves the embedded PGlite database in /app/data (mount a volume there to keep it).

# 1. Compile TypeScript with every dependency installed.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY db ./db
COPY schema ./schema
RUN npm run build

# 2. Production dependencies only (no tsx, no TypeScript, no test tools).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: dist/ beside the files the code reads from the package root (src/paths.ts).
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 PGLITE_DIR=/app/data/pglite
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY db/migrations ./db/migrations
COPY schema/graphql ./schema/graphql
COPY public ./public
COPY seeds ./seeds
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=512", "dist/src/server.js"]
