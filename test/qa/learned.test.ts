/**
 * Learned phrasings in the engine (learned.ts): the taught question answered with its sentence in
 * either script, a learned decline, stale teachings reported and ignored, and no other question's
 * answer changed by a teaching.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createEngine, REBUILD_MAX_SENTENCES, type Result } from '../../src/qa/engine.js';
import { questionKey, sentenceVersion, type LearnedPhrasing } from '../../src/qa/learned.js';
import { readCases } from '../helpers/score.js';
import { FIRST_ARTICLE, TEST_KNOWLEDGE } from '../support/knowledge.js';

const knowledge = loadKnowledge(TEST_KNOWLEDGE);
const sentences = knowledge.articles[0]!.article.paragraphs.flatMap((p) => p.sentences);
const nansha = sentences.find((s) => /南沙/.test(s.text) && /落戶/.test(s.text) && /工作日/.test(s.text))!;
const QUESTION = '去南沙安家户口的事多久有结果';
const phrasing = (question: string, over: Partial<LearnedPhrasing> = {}): LearnedPhrasing => ({
  question,
  lang: 'zh-Hans',
  article: FIRST_ARTICLE,
  sentence: nansha.id,
  version: sentenceVersion(nansha.text),
  ...over,
});
const quoted = (r: Result) => (r.found && r.kind === 'sentence' ? r.sentenceId : null);

describe('learned phrasings', () => {
  it('the taught question gets its sentence, marked learned, in either script and with other punctuation; undone, it does not', () => {
    const engine = createEngine(knowledge, { cacheSize: 0 });
    expect(quoted(engine.answer(QUESTION))).toBeNull();
    expect(engine.learn([phrasing(QUESTION)])).toEqual({ applied: 1, stale: [] });
    for (const q of [QUESTION, '去南沙安家戶口的事多久有結果？', ' 去南沙 安家户口的事，多久有结果! ']) {
      const r = engine.answer(q);
      expect(quoted(r), q).toBe(nansha.id);
      expect(r.found && r.kind === 'sentence' && r.learned).toBe(true);
      // Shown as the bare sentence: no fact's short answer, no fact id for its buttons.
      expect(r.found && r.kind === 'sentence' && r.factId).toBeNull();
    }
    engine.learn([]);
    expect(quoted(engine.answer(QUESTION))).toBeNull();
  });

  it('a learned decline declines that question only', () => {
    const engine = createEngine(knowledge, { cacheSize: 0 });
    const asked = '南沙落户要多久';
    expect(engine.answer(asked).found).toBe(true);
    engine.learn([phrasing(asked, { article: null, sentence: null, version: null })]);
    const r = engine.answer(asked);
    expect(r.found).toBe(false);
    expect(r.kind === 'declined' && r.learned).toBe(true);
    expect(quoted(engine.answer('在南沙落户需要多长时间'))).not.toBeNull();
  });

  it('a teaching whose article or sentence is gone, or whose sentence changed, is stale and ignored', () => {
    const engine = createEngine(knowledge, { cacheSize: 0 });
    const { applied, stale } = engine.learn([
      phrasing(QUESTION, { version: '000000000000' }),
      phrasing('问题二', { sentence: 'p99s9' }),
      phrasing('问题三', { article: 'no-such-article' }),
    ]);
    expect(applied).toBe(0);
    expect(stale.map((s) => s.reason)).toEqual(['sentence changed', 'sentence gone', 'article gone']);
    expect(quoted(engine.answer(QUESTION))).toBeNull();
  });

  it('on a knowledge too large to rebuild while answering, a teaching applies to its exact question at once', () => {
    const copies = Math.ceil(REBUILD_MAX_SENTENCES / sentences.length) + 1;
    const large = { ...knowledge, articles: Array.from({ length: copies }, (_, i) => ({ ...knowledge.articles[0]!, article: { ...knowledge.articles[0]!.article, id: i ? `copy-${i}` : FIRST_ARTICLE } })) };
    const engine = createEngine(large, { cacheSize: 0 });
    expect(engine.learn([phrasing(QUESTION)]).applied).toBe(1);
    for (const q of [QUESTION, '去南沙安家戶口的事多久有結果？']) expect(quoted(engine.answer(q))).toBe(nansha.id);
    engine.learn([]);
    expect(quoted(engine.answer(QUESTION))).toBeNull();
  });

  it('teaching a question changes no other answer of the dev set and the blind sets', () => {
    const questions = ['dev', 'blind1', 'blind2', 'blind3'].flatMap((s) => readCases(new URL(`../fixtures/${s}.jsonl`, import.meta.url).pathname)).map((c) => c.q);
    const plain = createEngine(knowledge, { cacheSize: 0 });
    const taught = createEngine(knowledge, { cacheSize: 0 }, [phrasing(QUESTION), phrasing('南沙户口几天能办好'), phrasing('南沙的户口能迁去深圳吗', { article: null, sentence: null, version: null })]);
    const changed = questions.filter((q) => questionKey(q) !== questionKey(QUESTION) && JSON.stringify(plain.answer(q)) !== JSON.stringify({ ...taught.answer(q) }));
    // A question about Nansha's settling may now reach the same sentence through the learned words; none may lose its answer or get another sentence.
    for (const q of changed) {
      const before = quoted(plain.answer(q));
      const after = quoted(taught.answer(q));
      expect(before === null || after === before, `${q}: ${before} → ${after}`).toBe(true);
      expect(after === null || after === nansha.id, `${q}: ${before} → ${after}`).toBe(true);
    }
  });
});
