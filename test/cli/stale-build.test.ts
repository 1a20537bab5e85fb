/**
 * A built program refuses to run when src/ holds newer code than dist/ (edited or checked out since
 * the last build), with one line saying to build; it runs once the build is newer.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const work = mkdtempSync(path.join(tmpdir(), 'stale-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a dist/ older than src/', () => {
  it('npm run ask (dist/cli/ask.js) says to build, exit 1; after a build it answers', () => {
    // A project of its own: the built program, a src/ beside it, the same packages.
    cpSync('dist', path.join(work, 'dist'), { recursive: true });
    symlinkSync(path.resolve('node_modules'), path.join(work, 'node_modules'));
    cpSync('package.json', path.join(work, 'package.json'));
    mkdirSync(path.join(work, 'src'));
    const edited = path.join(work, 'src', 'edited.ts');
    writeFileSync(edited, 'export {};\n');
    const ask = () => spawnSync(process.execPath, [path.join(work, 'dist', 'cli', 'ask.js'), '南沙落户要多久'], { env: { PATH: process.env.PATH, KNOWLEDGE_DIR: TEST_KNOWLEDGE }, encoding: 'utf8', timeout: 30_000 });

    const future = new Date(Date.now() + 60_000);
    utimesSync(edited, future, future);
    const stale = ask();
    expect(stale.status).toBe(1);
    expect(stale.stderr.trim()).toBe('dist/ is older than src/edited.ts: run npm run build (npm ci does it), then try again');

    const past = new Date(Date.now() - 3_600_000);
    utimesSync(edited, past, past);
    const fresh = ask();
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain('10个工作日');
  }, 60_000);
});
