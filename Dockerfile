# Multi-stage build on Node 24 LTS ("Krypton"; Node 20 reached its end of life on 2026-04-30). The
# build stage compiles TypeScript; the runtime stage has production dependencies only, runs as the
# unprivileged `node` user, and starts node directly (exec form: it receives SIGTERM itself and stops
# gracefully; npm would swallow the signal).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts skips `prepare` (the TypeScript build, done above); better-sqlite3's native
# module is then built or fetched on its own.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY --from=build /app/dist ./dist
COPY knowledge ./knowledge
# The SQLite file lives in the node user's home (writable by it): mount a volume there to keep it.
ENV DATA_DIR=/home/node/data
VOLUME /home/node/data
USER node
EXPOSE 8080
# Webhook mode serves /healthz; in polling mode there is no port to ask, so the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "if (process.env.BOT_MODE !== 'webhook') process.exit(0); fetch('http://127.0.0.1:' + (process.env.WEBHOOK_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
