/** `npm run broadcast` refuses a text longer than one Telegram message, naming the limit, before touching anything. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run broadcast', () => {
  it('a text longer than 4,096 characters: refused with the limit named, exit 2', () => {
    const run = spawnSync(process.execPath, ['dist/cli/broadcast.js', '维护通知'.repeat(1_250)], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR! },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('5000 characters');
    expect(run.stderr).toContain('at most 4096');
  }, 30_000);
});
