/** The test runner's settings (`npm test`, `npm run test:slow`): every test file starts with test/support/setup.ts. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    setupFiles: [fileURLToPath(new URL('./support/setup.ts', import.meta.url))],
    // The tests run the built programs: a stale dist/ is rebuilt first.
    globalSetup: [fileURLToPath(new URL('./support/build.ts', import.meta.url))],
    // Hooks start servers and containers and remove copied trees; with both cores busy that can
    // take longer than vitest's default 10 s.
    hookTimeout: 60_000,
    // Tests check behaviour, not speed (the timing tests assert their own bounds): vitest's 5 s
    // default fails heavier tests when both cores are busy.
    testTimeout: 30_000,
  },
});
