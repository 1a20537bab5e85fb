/**
 * `npm run review` in the terminal, on a real SQLite store and a copy of the knowledge: what waits
 * (--list --json), teaching interactively, --export into learned.json files that `npm run knowledge
 * -- --check` validates and `ask` applies, --import into another store and back out unchanged, and
 * a stale learned phrasing reported.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createEngine } from '../../src/qa/engine.js';
import { storeQuestionLog } from '../../src/store/question-log.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { scoreFold } from '../helpers/score.js';
import { FIRST_ARTICLE, TEST_KNOWLEDGE } from '../support/knowledge.js';

const QUESTION = '去南沙安家户口的事多久有结果';
const NEAR_MISS = '南沙的户口能迁去深圳吗';
let work: string;
let knowledge: string;

/** A built command, as `npm run review` (or knowledge, ask) runs it: dist/ refuses to run older than src/. */
const cli = (entry: string, args: string[], env: Record<string, string>, input?: string) => {
  const r = spawnSync(process.execPath, [entry, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    input,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: knowledge, ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'review-cli-'));
  knowledge = path.join(work, 'knowledge');
  cpSync(TEST_KNOWLEDGE, knowledge, { recursive: true });
  // Questions as the bot logs them.
  const engine = createEngine(loadKnowledge(knowledge));
  const store = new SqliteStore(path.join(work, 'a', 'bot.sqlite'));
  const log = storeQuestionLog(store);
  for (const q of [QUESTION, QUESTION, NEAR_MISS, '南沙落户要多久']) log.record({ door: 'private', question: q, result: engine.answer(q), latencyMs: 1 });
  await log.flush();
  await store.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run review', () => {
  const A = () => ({ DATA_DIR: path.join(work, 'a') });

  it('--list --json: the declined questions, most asked first, each with candidate sentences; an answered one is not there', () => {
    const r = cli('dist/cli/review.js', ['--list', '--json'], A());
    expect(r.status, r.err).toBe(0);
    const items = JSON.parse(r.out) as { question: string; count: number; how: { declined: number }; candidates: { sentence: string; text: string }[] }[];
    expect(items.map((i) => i.question)).toEqual([QUESTION, NEAR_MISS]);
    expect(items[0]).toMatchObject({ count: 2, how: { declined: 2 } });
    expect(items[0]!.candidates.length).toBeGreaterThanOrEqual(3);
    expect(items[0]!.candidates.some((c) => /落[户戶]/.test(c.text))).toBe(true);
  });

  it('teaches interactively, exports learned.json files that npm run knowledge validates and ask applies; --import round-trips; a stale one is reported', () => {
    const list = JSON.parse(cli('dist/cli/review.js', ['--list', '--json'], A()).out) as { candidates: { text: string }[] }[];
    const pick = list[0]!.candidates.findIndex((c) => /落[户戶]/.test(c.text));
    expect(pick).toBeGreaterThanOrEqual(0);
    expect(pick).toBeLessThan(3);
    const session = cli('dist/cli/review.js', [], A(), `${pick + 1}\nn\nq\n`);
    expect(session.status, session.err).toBe(0);
    expect(session.out).toMatch(/✓ Learned: “去南沙安家户口的事多久有结果”/);
    expect(session.out).toMatch(/is not in the articles/);

    const exported = cli('dist/cli/review.js', ['--export'], A());
    expect(exported.status, exported.err).toBe(0);
    expect(exported.out).toMatch(/exported 1 learned phrasing\(s\) and 1 decline\(s\) into 2 file/);
    const articleFile = path.join(knowledge, FIRST_ARTICLE, 'learned.json');
    const topFile = path.join(knowledge, 'learned.json');
    const learned = JSON.parse(readFileSync(articleFile, 'utf8'));
    expect(learned.phrasings).toEqual([expect.objectContaining({ question: QUESTION, lang: 'zh-Hans', sentence: expect.stringMatching(/^p\d+s\d+$/) })]);
    expect(JSON.parse(readFileSync(topFile, 'utf8')).declines).toEqual([{ question: NEAR_MISS, lang: 'zh-Hans' }]);

    const check = cli('dist/cli/knowledge.js', ['--check'], {});
    expect(check.status, check.out + check.err).toBe(0);
    expect(check.out).toMatch(/learned\.json: 2 file\(s\), 2 learned phrasing\(s\) and decline\(s\), 0 stale/);

    // The knowledge alone (no database): ask answers the taught question with its sentence, in both scripts, and declines the other.
    const sentence = loadKnowledge(knowledge).articles[0]!.article.paragraphs.flatMap((p) => p.sentences).find((s) => s.id === learned.phrasings[0].sentence)!.text;
    const asked = cli('dist/cli/ask.js', ['--jsonl'], {}, `${JSON.stringify({ id: 1, q: QUESTION })}\n${JSON.stringify({ id: 2, q: '去南沙安家戶口的事多久有結果' })}\n${JSON.stringify({ id: 3, q: NEAR_MISS })}\n`);
    const answers = asked.out.trim().split('\n').map((l) => JSON.parse(l) as { answered?: boolean; found?: boolean; quote?: string; reply?: string });
    for (const a of answers.slice(0, 2)) expect(scoreFold(JSON.stringify(a))).toContain(scoreFold(sentence).slice(0, 12));
    expect(scoreFold(JSON.stringify(answers[2]))).not.toContain(scoreFold(sentence).slice(0, 12));

    // Into another database and back out: the same files.
    const before = [readFileSync(articleFile, 'utf8'), readFileSync(topFile, 'utf8')];
    const B = { DATA_DIR: path.join(work, 'b') };
    const imported = cli('dist/cli/review.js', ['--import', articleFile, topFile], B);
    expect(imported.status, imported.err).toBe(0);
    expect(imported.out).toMatch(/imported 2 teaching/);
    rmSync(articleFile);
    rmSync(topFile);
    expect(cli('dist/cli/review.js', ['--export'], B).status).toBe(0);
    expect([readFileSync(articleFile, 'utf8'), readFileSync(topFile, 'utf8')]).toEqual(before);

    // A re-ingest that changed the sentence (here: the version it was taught on): reported stale, ignored.
    writeFileSync(articleFile, readFileSync(articleFile, 'utf8').replace(/"version": "[0-9a-f]{12}"/, '"version": "000000000000"'));
    const stale = cli('dist/cli/knowledge.js', ['--check'], {});
    expect(stale.status, stale.out + stale.err).toBe(0);
    expect(stale.out).toMatch(/1 stale\n\s+stale \(sentence changed\): guangzhou-daily-2019-07-16 p\d+s\d+ “去南沙安家户口的事多久有结果”/);
    // A malformed file: one line naming it, exit 1.
    writeFileSync(topFile, '{"declines": [{"question": ""}]}');
    const bad = cli('dist/cli/knowledge.js', ['--check'], {});
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/learned\.json/);
    expect(existsSync(articleFile)).toBe(true);
  }, 120_000);
});
