/**
 * Articles do not disturb each other: two unseen, damaged articles (Chengdu on the same reform, and
 * Shenzhen on a neighbouring one), ingested as an operator would, beside the first. Their question
 * sets were written by a helper who saw only those articles.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/knowledge/ingest.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createEngine, type Engine } from '../../src/qa/engine.js';
import { render } from '../../src/qa/render.js';
import { readCases, scoreFold } from '../helpers/score.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const work = mkdtempSync(path.join(tmpdir(), 'articles-'));
const knowledge = path.join(work, 'knowledge');
let alone: Engine;
let together: Engine;

beforeAll(async () => {
  cpSync(TEST_KNOWLEDGE, knowledge, { recursive: true });
  await ingest('test/fixtures/chengdu.raw.txt', knowledge);
  await ingest('test/fixtures/shenzhen.raw.txt', knowledge);
  alone = createEngine(loadKnowledge(TEST_KNOWLEDGE), { cacheSize: 0 });
  together = createEngine(loadKnowledge(knowledge), { cacheSize: 0 });
}, 90_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIRST_SETS = ['dev', 'extra', 'extra2', 'extra3', 'extra4', ...Array.from({ length: 11 }, (_, i) => `blind${i + 1}`), 'nonq1', 'nonq2', 'nonq3', 'nonq4'];

/** Whether a reply is right for a case (the evaluation's rule) and whether it names another article. */
function judge(engine: Engine, c: ReturnType<typeof readCases>[number]) {
  const r = engine.answer(c.q);
  const reply = render(r, 'text', { sources: engine.sources });
  let ok: boolean;
  if (c.expect === null) ok = !r.found;
  else {
    ok = !c.expect || (r.found && c.expect.some((k) => scoreFold(r.kind === 'sentence' ? r.quote : reply).includes(scoreFold(k))));
    if (c.expect_reply) ok = ok && c.expect_reply.some((k) => scoreFold(reply).includes(scoreFold(k)));
  }
  return { ok, alsoIn: r.found ? r.alsoIn.length : 0, publication: r.found ? r.source.publication : null };
}

describe('two more articles beside the first', () => {
  it('the first article’s sets: no more changed replies and no more "另见" than today (6 and 36 of 2,476 questions)', () => {
    let changed = 0;
    let gainedAlso = 0;
    let questions = 0;
    for (const set of FIRST_SETS) {
      for (const c of readCases(`test/fixtures/${set}.jsonl`)) {
        const before = judge(alone, c);
        const after = judge(together, c);
        questions++;
        if (before.ok && !after.ok) changed++;
        if (after.alsoIn > before.alsoIn) gainedAlso++;
      }
    }
    expect(questions).toBeGreaterThan(2_000);
    // Measured 2026-11-27: 6 replies differ from the expected (62 before articles were scored on
    // their own terms, 18 before each article read the question as it would alone): three questions
    // about Shenzhen that the Shenzhen article now answers, three general questions another article
    // answers better on its own terms (文章最后提出要让什么成为常态). 36 replies name more other
    // articles (219 before), some earned (让数据多跑路 is in the Shenzhen article too).
    expect(changed).toBeLessThanOrEqual(6);
    expect(gainedAlso).toBeLessThanOrEqual(36);
  }, 60_000);

  it('the first article reads a question as it would alone: where it answers, the same sentence with the same score', () => {
    let fromFirst = 0;
    let differ = 0;
    for (const set of FIRST_SETS) {
      for (const c of readCases(`test/fixtures/${set}.jsonl`)) {
        const after = together.answer(c.q);
        if (!after.found || after.source.publication !== '廣州日報') continue;
        fromFirst++;
        const before = alone.answer(c.q);
        const key = (r: typeof after) => (r.found ? `${r.kind === 'sentence' ? r.sentenceId : r.kind} ${r.score}` : r.kind);
        if (key(before) !== key(after)) differ++;
      }
    }
    expect(fromFirst).toBeGreaterThan(1_500);
    // Measured 2026-11-27: 15 of 1,561 differ in score only (the same sentence): an English word
    // another article's dictionary knows, a typo corrected towards a word another article uses, a
    // story clause (我白天要上班) that another article's words make part of the question.
    expect(differ).toBeLessThanOrEqual(15);
    // Words only the other articles know (上门, 申办) and their phrases (changing into) are theirs alone.
    for (const q of ['政府部门是等着老百姓上门还是会主动一点', '所以是線上申辦、臨櫃送件這樣嗎', 'Is standardised service changing into something else?']) {
      const before = alone.answer(q);
      const after = together.answer(q);
      expect(after.found && after.kind === 'sentence' && after.sentenceId, q).toBe(before.found && before.kind === 'sentence' && before.sentenceId);
      expect(after.found && after.score, q).toBe(before.found && before.score);
    }
  }, 60_000);

  it('a question naming a city is answered from that city’s article, never another’s', () => {
    const chengdu = together.answer('成都落户要多久');
    expect(chengdu.found && chengdu.source.publication).toBe('四川日報');
    expect(chengdu.found && chengdu.kind === 'sentence' && chengdu.quote).toContain('5個工作日');
    const nansha = together.answer('南沙落户要多久');
    expect(nansha.found && nansha.source.publication).toBe('廣州日報');
    // Shenzhen's article does not count its cancelled certificates: not Guangzhou's 430 instead.
    const shenzhen = together.answer('深圳取消了多少项证明事项');
    expect(shenzhen.found && shenzhen.kind === 'sentence' && shenzhen.quote).not.toContain('430');
  });

  it('an English question about an untranslated article: its Chinese quote, its source, a plain note, and the clause that answers', () => {
    const r = together.answer('How many certificates has Chengdu cancelled?');
    expect(r.found && r.kind === 'sentence' && r.source.publication).toBe('四川日報');
    expect(r.found && r.shortAnswer?.en).toContain('612');
    const reply = render(r, 'text', { sources: together.sources });
    expect(reply).toMatch(/No English translation of this article exists/);
    expect(reply).toContain('612項');
    // A translated article's English reply has no such note.
    expect(render(together.answer('How long does settling in Nansha take?'), 'text', { sources: together.sources })).not.toMatch(/No English translation/);
  });

  it('"who wrote this article" names every article’s author; naming the paper picks its article', () => {
    const who = render(together.answer('这篇文章是谁写的'), 'text', { sources: together.sources });
    for (const author of ['毛梓铭', '周子涵', '李可欣']) expect(who).toContain(author);
    const when = together.answer('四川日报那篇文章是哪天发的');
    expect(when.found && when.kind === 'meta' && when.shortAnswer['zh-Hans']).toContain('2020年11月23日');
  });

  it('their own question sets (written by a helper, first pass 2026-11-27): answered with their own attribution at today’s figures', () => {
    for (const [set, publication, floor] of [
      // 2026-12-07: 12 → 11 with "did you mean" (a guess the plain search does not rank became a choice),
      // then 15 and 17 (from 13) with source questions and answer kinds read from the sentence.
      ['chengdu', '四川日報', 15],
      ['shenzhen', '深圳特區報', 17],
    ] as const) {
      let answered = 0;
      for (const c of readCases(`test/fixtures/${set}.jsonl`)) {
        if (c.expect === null) continue;
        const r = judge(together, c);
        if (r.ok && (r.publication === publication || c.expect === undefined)) answered++;
      }
      expect(answered, set).toBeGreaterThanOrEqual(floor);
    }
  });
});
