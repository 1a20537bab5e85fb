/** The question log and the operator's report, on a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEngine } from '../src/qa/open-engine.js';
import { Review } from '../src/review/review.js';
import { buildReport, DAY_MS, parsePeriod, reportText } from '../src/report.js';
import { storeQuestionLog } from '../src/store/question-log.js';
import { SqliteStore as Store } from '../src/store/sqlite-store.js';
import Database from 'better-sqlite3';
import { until } from './support/process.js';
import { TEST_KNOWLEDGE } from './support/knowledge.js';

const { engine } = openEngine(TEST_KNOWLEDGE);
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'report-'));
  store = new Store(path.join(dir, 'bot.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ask(questions: string[], at: () => number = Date.now): Promise<number[]> {
  const log = storeQuestionLog(store, at);
  const ids = questions.map((q) => log.record({ door: 'private', question: q, result: engine.answer(q), latencyMs: 0.4 }));
  await log.flush();
  return ids;
}

describe('the report', () => {
  it('over an empty log: zeros and empty lists, in JSON and as text', async () => {
    const r = buildReport(await store.questionsSince(0), 0, Date.now(), engine);
    expect(r).toMatchObject({ total: 0, by_outcome: {}, by_lang: {}, top_questions: [], declined_questions: [], partial_questions: [], feedback: { up: 0, down: 0, down_questions: [] } });
    expect(reportText(r)).toContain('(none)');
  });

  it('groups Traditional and Simplified (and punctuation) variants of a question together', async () => {
    await ask(['南沙落戶要多久？', '南沙落户要多久', '南沙落户要多久!', '北京落户要多久', '北京落戶要多久']);
    const r = buildReport(await store.questionsSince(0), 0, Date.now(), engine);
    expect(r.top_questions[0]).toMatchObject({ count: 3, outcome: 'answered', sentence: 'p2s5' });
    expect(r.declined_questions).toHaveLength(1);
    expect(r.declined_questions[0]!.count).toBe(2);
  });

  it('what operators taught: counts by kind, what each teaching answered since, the unanswered share before and since', async () => {
    const t0 = 10 * DAY_MS;
    let now = t0;
    const clock = () => now;
    await ask(['去南沙安家户口的事多久有结果', '北京落户要多久', '南沙落户要多久'], clock);
    // An operator teaches both declined questions (as the review does), then people ask again.
    const review = new Review(store, engine, 30 * DAY_MS, () => (now = t0 + 1_000));
    const [nansha, beijing] = (await review.waiting()).sort((a, b) => a.question.localeCompare(b.question)).reverse();
    expect(nansha!.question).toBe('去南沙安家户口的事多久有结果');
    const sentence = (await review.candidates(nansha!, 'zh-Hans')).list.find((c) => /落户/.test(c.text))!;
    await review.teach(nansha!, { sentence: { article: sentence.article, sentence: sentence.sentence } }, 'op');
    await review.teach(beijing!, 'decline', 'op');
    now = t0 + 2_000;
    await ask(['去南沙安家戶口的事多久有結果？', '去南沙安家户口的事多久有结果', '北京落户要多久'], clock);
    const r = buildReport(await store.questionsSince(0), 0, now, engine, await store.teachings());
    expect(r.learned.taught).toEqual({ phrasing: 1, decline: 1, skip: 0 });
    expect(r.learned.teachings.map((t) => [t.kind, t.answered])).toEqual([
      ['phrasing', 2],
      ['decline', 1],
    ]);
    // Before: 2 of 3 not answered; since: all three questions got what was taught (the decline counts as declined).
    expect(r.learned.unansweredShare).toEqual({ before: 0.667, since: 0.333 });
    expect(reportText(r)).toMatch(/Taught \(\/review, npm run review\): 1 phrasings, 1 "not in the article", 0 skipped/);
    engine.learn([]);
  });

  it('a 👎 shows the question with the sentence it quoted', async () => {
    const [id] = await ask(['南沙落户要多久']);
    await storeQuestionLog(store).vote(id!, false);
    const r = buildReport(await store.questionsSince(0), 0, Date.now(), engine);
    expect(r.feedback).toMatchObject({ up: 0, down: 1 });
    expect(r.feedback.down_questions[0]!.quote).toContain('10個工作日');
  });

  it('a "did you mean" pick shows the question with the sentence the asker picked', async () => {
    const [id] = await ask(['收审分离具体是怎么操作的', '北京落户要多久']);
    expect(await storeQuestionLog(store).pick(id!, 'guangzhou-daily-2019-07-16', 'p4s1')).toBe(true);
    const r = buildReport(await store.questionsSince(0), 0, Date.now(), engine);
    expect(r.picks).toMatchObject({ picked: 1, questions: [{ question: '收审分离具体是怎么操作的', count: 1, article: 'guangzhou-daily-2019-07-16', sentence: 'p4s1' }] });
    expect(r.picks.questions[0]!.quote).toBe(engine.paragraphOf('guangzhou-daily-2019-07-16', 'p4s1')!.sentences.find((s) => s.quoted)!.text);
    expect(reportText(r)).toContain(`picked: ${r.picks.questions[0]!.quote}`);
  });

  it('periods: 7d, 24h, 2w; anything else is refused', async () => {
    expect(parsePeriod('7d')).toBe(7 * DAY_MS);
    expect(parsePeriod('24h')).toBe(DAY_MS);
    expect(parsePeriod('2w')).toBe(14 * DAY_MS);
    for (const bad of ['', '7', 'd7', '7 days', '-1d']) expect(parsePeriod(bad)).toBeUndefined();
  });
});

describe('the question log', () => {
  it('scrubs before writing, and keeps no user or chat id', async () => {
    await ask(['我的电话13800138000，@li_ming 邮箱 li@example.com 南沙落户要多久']);
    const [row] = await store.questionsSince(0);
    expect(row!.question).toBe('我的电话<number>,<user> 邮箱 <email> 南沙落户要多久');
    expect(Object.keys(row!).sort()).toEqual(['article', 'at', 'door', 'id', 'lang', 'latencyMs', 'learned', 'outcome', 'picked', 'question', 'score', 'sentence', 'vote']);
  });

  it('retention: rows older than the period are deleted, newer ones kept', async () => {
    const now = Date.now();
    await ask(['南沙落户要多久'], () => now - 91 * DAY_MS);
    await ask(['北京落户要多久'], () => now - 89 * DAY_MS);
    expect(await store.pruneQuestions(now - 90 * DAY_MS)).toBe(1);
    expect((await store.questionsSince(0)).map((r) => r.question)).toEqual(['北京落户要多久']);
  });

  it('a batch the storage refuses (another connection holds the write lock) is kept and written once it can', async () => {
    const log = storeQuestionLog(store);
    const id = log.record({ door: 'group', question: '南沙落户要多久', result: engine.answer('南沙落户要多久'), latencyMs: 1 });
    const holder = new Database(path.join(dir, 'bot.sqlite'));
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE schema_version SET version = version').run();
    await expect(log.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(await store.question(id)).toBeUndefined();
    holder.exec('COMMIT');
    holder.close();
    await until(async () => (await store.question(id)) !== undefined, 8_000, 'the retried write');
    expect(await store.question(id)).toMatchObject({ door: 'group', outcome: 'answered' });
  }, 20_000);
});
