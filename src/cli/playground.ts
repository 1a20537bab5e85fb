/**
 * `npm run playground`: the real bot, a Bot API stand-in and a page on http://127.0.0.1:8080
 * (PLAYGROUND_PORT) to play it as in Telegram, without a token or the network. Ctrl-C stops it all.
 */
import { PlaygroundConfigSchema } from '../config.js';
import { builtBot, startPlayground } from '../playground/server.js';
import { configureOrExit } from './or-exit.js';

const config = configureOrExit(PlaygroundConfigSchema);
if (!builtBot()) {
  console.error('playground: dist/main.js is missing: run npm run build (npm ci does it), then npm run playground');
  process.exit(1);
}
let playground: Awaited<ReturnType<typeof startPlayground>>;
try {
  playground = await startPlayground({
    port: config.PLAYGROUND_PORT,
    ...(config.PLAYGROUND_DATA_DIR ? { dataDir: config.PLAYGROUND_DATA_DIR } : {}),
    env: { KNOWLEDGE_DIR: config.KNOWLEDGE_DIR },
    log: (line) => console.error(line),
  });
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `playground: port ${config.PLAYGROUND_PORT} on 127.0.0.1 is taken: set PLAYGROUND_PORT to a free one (or 0 for any)`
      : `playground: could not start: ${(err as Error).message}`,
  );
  process.exit(1);
}
console.log(`Playground: ${playground.url} (the bot runs against a Bot API stand-in on this machine; Ctrl-C stops it)`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void playground.close().then(() => process.exit(0));
  });
}
