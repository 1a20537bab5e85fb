/**
 * vitest's global set-up: the tests run the built programs (dist/, as `npm start` and the scripts
 * do), so a dist/ older than src/ (edited since the last build) is rebuilt once before any test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = 'dist/main.js';
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource('src')) return;
  console.log('dist/ is older than src/: building (npm run build) before the tests');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
