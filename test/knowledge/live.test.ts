/**
 * The working knowledge/ folder itself, as an operator leaves it (articles ingested, corrections
 * made): the only test that reads it. Every other test reads a copy of the first article
 * (test/support/knowledge.ts), so ingesting an article changes no other test.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { FIRST_ARTICLE, LIVE_KNOWLEDGE } from '../support/knowledge.js';

describe('the working knowledge folder', () => {
  it('loads: every article and the shared files are valid, the first article among them', () => {
    const k = loadKnowledge(LIVE_KNOWLEDGE);
    expect(k.articles.map((a) => a.article.id)).toContain(FIRST_ARTICLE);
    for (const a of k.articles) expect(a.article.paragraphs.length, a.article.id).toBeGreaterThan(0);
  });

  it('npm run knowledge -- --check: no generated file is stale', () => {
    const run = spawnSync(process.execPath, ['dist/cli/knowledge.js', '--check'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, KNOWLEDGE_DIR: LIVE_KNOWLEDGE },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 130_000);
});
