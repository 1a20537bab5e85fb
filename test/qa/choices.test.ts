/**
 * "Did you mean": the relaxed sentence search behind the choices, and the choices the engine offers
 * when it has no confident answer.
 */
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/qa/open-engine.js';
import { addGrams, CHARACTER_WEIGHT, SentenceSearch } from '../../src/qa/sentence-search.js';
import { fold } from '../../src/text/normalize.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

describe('sentence search (BM25 over bigrams and characters)', () => {
  const sentences = ['南沙区落户只需5个工作日', '天河区推出智能政务服务驿站', '落户材料减少了一半', '办结时间压缩到三天'].map((text, i) => ({ text: fold(text), article: i % 2, unit: 10 + i }));
  const search = new SentenceSearch(sentences);

  it('ranks the sentence sharing the rarest bigrams first, with its coverage of the query', () => {
    const hits = search.search(search.query('南沙落户多久'), 4);
    expect(hits[0]!.unit).toBe(10);
    expect(hits.map((h) => h.unit)).toContain(12);
    for (const h of hits) expect(h.coverage).toBeGreaterThan(0), expect(h.coverage).toBeLessThanOrEqual(1);
    expect(hits[0]!.coverage).toBeGreaterThan(hits.at(-1)!.coverage);
    // Best first.
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });

  it('a shared character counts, less than a shared bigram', () => {
    const q = new Map<string, number>();
    addGrams(q, '办完', 1);
    expect(q.get('~办')).toBeCloseTo(CHARACTER_WEIGHT);
    // 办完 shares only 办 with 办结: found, but below a sentence holding the bigram.
    const both = new SentenceSearch([...sentences, { text: fold('材料办完即可'), article: 0, unit: 99 }]);
    const hits = both.search(q, 5);
    expect(hits.map((h) => h.unit)).toEqual([99, 13]);
  });

  it('keeps to the allowed articles, and finds nothing for words no sentence has', () => {
    const allowed = Uint8Array.from([0, 1]);
    expect(search.search(search.query('落户'), 4, allowed).every((h) => h.article === 1)).toBe(true);
    expect(search.search(search.query('比特币'), 4)).toEqual([]);
    expect(search.search(new Map(), 4)).toEqual([]);
  });
});

describe('"did you mean" choices', () => {
  const { engine } = openEngine(TEST_KNOWLEDGE);
  // Questions of the first article's sets that the engine does not answer outright.
  const unsure = ['在南沙落户要满足啥条件?对学历有要求没', '收审分离具体是怎么操作的,先交材料还是先审?', '「只進一扇門」計劃幾時全面實現?', 'which city came second after guangzhou in cutting certificates?'];

  it('a question without a confident answer offers up to three sentences; a tap answers with the quote and source', () => {
    const offered = unsure.map((q) => engine.answer(q)).filter((r) => !r.found && r.choices.length > 0);
    expect(offered.length).toBeGreaterThan(0);
    for (const r of offered) {
      if (r.found) continue;
      expect(r.choices.length).toBeLessThanOrEqual(3);
      expect(new Set(r.choices.map((c) => c.sentenceId)).size).toBe(r.choices.length);
      for (const c of r.choices) {
        expect([...c.label].length).toBeLessThanOrEqual(40);
        expect(c.label.trim()).not.toBe('');
        const tapped = engine.answerSentence(c.source.articleId, c.sentenceId, r.lang)!;
        expect(tapped).toMatchObject({ found: true, kind: 'sentence', sentenceId: c.sentenceId, lang: r.lang });
        expect(tapped.source.articleId).toBe(c.source.articleId);
        // The label is the sentence's own words (a clause of it) or its translation.
        const label = c.label.replace(/…$/, '');
        expect(fold(tapped.quote).includes(fold(label)) || (tapped.translation ?? '').startsWith(label)).toBe(true);
      }
    }
  });

  it('nothing to choose for small talk, greetings, a place the articles do not cover, or an answer', () => {
    for (const q of ['今天天气怎么样', '你好', '谢谢', '北京落户要多久', '武昌区去年取消了多少项证明事项', '海淀区落户要多久', 'Who won the 2018 World Cup?', '']) {
      const r = engine.answer(q);
      expect(r.found || r.choices, q).toEqual(r.found ? true : []);
    }
    const answered = engine.answer('南沙落户要多久');
    expect(answered.found).toBe(true);
  });

  it('a sentence that is gone (a re-ingest) or never was is no answer', () => {
    const id = engine.sources[0]!.articleId;
    expect(engine.answerSentence(id, 'p99s99', 'zh-Hans')).toBeUndefined();
    expect(engine.answerSentence('no-such-article', 'p1s1', 'zh-Hans')).toBeUndefined();
    expect(engine.answerSentence(id, 'p1s1', 'en')).toMatchObject({ found: true, sentenceId: 'p1s1', lang: 'en' });
  });
});
