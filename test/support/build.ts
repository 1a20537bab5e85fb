/**
 * vitest's global set-up: the tests run the built programs (dist/, as `npm start` and the scripts
 * do), so a dist/ older than src/ (edited since the last build) is rebuilt once before any test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { newerSource } from '../../src/cli/or-exit.js';

export default function setup(): void {
  const built = 'dist/main.js';
  if (existsSync(built) && !newerSource('src', statSync(built).mtimeMs)) return;
  console.log('dist/ is older than src/: building (npm run build) before the tests');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
