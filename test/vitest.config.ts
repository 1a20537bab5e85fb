/** The test runner's settings (`npm test`, `npm run test:slow`): every test file starts with test/support/setup.ts. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    setupFiles: [fileURLToPath(new URL('./support/setup.ts', import.meta.url))],
  },
});
