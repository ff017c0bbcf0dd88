# syntax=docker/dockerfile:1
# The wellness0 bot's image: `docker compose up -d --build` (see compose.yaml and the README).
# Checked without a Docker engine: test/unit/packaging.test.ts reads this file stage by stage.

# Production dependencies only. better-sqlite3 compiles its native module here when no prebuilt
# binary fits, hence the toolchain, which stays in this stage.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
# The base image's tag pins the Debian release; its package versions are whatever that release has.
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install --yes --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# dist/, built by the same script as `npm run build`; esbuild is a production dependency.
FROM deps AS build
COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
RUN node src/build.mjs

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
# The port of /healthz, /readyz and /metrics, which the HEALTHCHECK below asks (compose sets it too).
ENV METRICS_PORT=9464
WORKDIR /app
# DATA_DIR (./data, /app/data) is the only folder the bot writes to; the code stays root's, so the
# bot cannot rewrite what it runs. A new named volume mounted here takes this owner and mode.
RUN install --directory --owner=node --group=node --mode=0700 /app/data
COPY --chown=root:root package.json ./
COPY --chown=root:root --from=deps /app/node_modules ./node_modules
COPY --chown=root:root --from=build /app/dist ./dist
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.METRICS_PORT || 9464}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
