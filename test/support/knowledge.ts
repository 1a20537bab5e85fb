/**
 * The knowledge tests read: knowledge/'s shared files (lexicon, synonyms, glossary, bot.json) and the
 * first article only, copied into a temporary folder when a test file starts. Articles an operator
 * ingests into knowledge/ are not in it, so they change no test (test/knowledge/live.test.ts checks
 * the working folder itself). test/support/setup.ts points KNOWLEDGE_DIR here for every test and for
 * the programs the tests start.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIRST_ARTICLE = 'guangzhou-daily-2019-07-16';
/** The working knowledge folder, as `npm start` reads it by default. */
export const LIVE_KNOWLEDGE = fileURLToPath(new URL('../../knowledge', import.meta.url));

function copyFirstArticle(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'test-knowledge-'));
  const dir = path.join(root, 'knowledge');
  mkdirSync(dir);
  for (const f of readdirSync(LIVE_KNOWLEDGE)) if (statSync(path.join(LIVE_KNOWLEDGE, f)).isFile()) cpSync(path.join(LIVE_KNOWLEDGE, f), path.join(dir, f));
  cpSync(path.join(LIVE_KNOWLEDGE, FIRST_ARTICLE), path.join(dir, FIRST_ARTICLE), { recursive: true });
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  return dir;
}

/** A folder holding the first article's knowledge and nothing an operator added. */
export const TEST_KNOWLEDGE = copyFirstArticle();
