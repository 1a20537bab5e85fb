import { describe, expect, it } from 'vitest';
import { createEngine, type Found } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { render } from '../../src/qa/render.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine, ctx } = openEngine(TEST_KNOWLEDGE);
const found = (q: string): Found => {
  const r = engine.answer(q);
  if (!r.found) throw new Error(`no answer for ${q}`);
  return r;
};

describe('invisible characters', () => {
  it('a zero-width space inside a word is ignored: the question is answered as without it', () => {
    const plain = engine.answer('南沙落户要多久');
    const hidden = engine.answer('南\u200b沙落户要多\u200d久');
    expect(plain.found).toBe(true);
    expect(hidden).toEqual(plain);
  });
});

describe('answer()', () => {
  it.each([
    ['南沙落户要多久', 'zh-Hans'],
    ['南沙落戶要幾天', 'zh-Hant'],
    ['how long does settling in Nansha take', 'en'],
    ['nansha 落户 多久', 'zh-Hans'],
    ['南莎落户多久？？😀', 'zh-Hans'],
    ['ＮＡＮＳＨＡ　ｓｅｔｔｌｅ　ｈｏｗ　ｌｏｎｇ', 'en'],
  ])('%s → the Nansha sentence (p2s5), its short answer, in %s', (q, lang) => {
    const r = found(q);
    expect(r.sentenceId).toBe('p2s5');
    expect(r.paragraph).toBe(2);
    expect(r.quote).toBe('現在來南沙落戶,不僅材料交得少了,從申報到落戶只需10個工作日即可。');
    expect(r.shortAnswer?.en).toMatch(/10 working days/);
    expect(r.lang).toBe(lang);
    expect(r.source.publication).toBe('廣州日報');
    expect(r.translation).toMatch(/10 working days/);
  });

  it('corrects pinyin-IME typos only where the knowledge has a word that sounds the same', () => {
    expect(found('琶州那个驿站几点关门').quote).toContain('琶洲建設者之家');
    expect(engine.answer('南京落户要多久').found).toBe(false);
  });

  it.each(['北京落户要多久', '今天广州天气怎么样?', 'What is the price of bitcoin?', 'asdfghjkl', '1+1等于几', '上海取消了多少项证明', '武昌区去年取消了多少项证明事项', '', '   ', '🙂🙂'])(
    'refuses what the article does not cover: %j',
    (q) => {
      const r = engine.answer(q);
      expect(r.found).toBe(false);
      if (!r.found) expect(r.suggestions.length).toBeGreaterThan(0);
    },
  );

  it('answers a greeting with a greeting and help, thanks with "you are welcome", a goodbye with a goodbye', () => {
    for (const q of ['你好', 'hello!', '早上好']) expect(engine.answer(q)).toMatchObject({ found: false, reason: 'greeting' });
    for (const q of ['谢谢', '唔該晒', 'thanks!', 'thank you', 'ok thanks, bye', '多謝晒，拜拜']) expect(engine.answer(q), q).toMatchObject({ found: false, reason: 'thanks' });
    for (const q of ['再见', 'bye', 'see you', '拜拜啦']) expect(engine.answer(q), q).toMatchObject({ found: false, reason: 'farewell' });
    expect(render(engine.answer('你好'), 'text', ctx)).toMatch(/^你好！[\s\S]*减证便民[\s\S]*• /);
    expect(render(engine.answer('谢谢'), 'text', ctx)).toMatch(/^不客气！/);
    expect(render(engine.answer('thanks'), 'text', ctx)).toMatch(/^You're welcome!/);
    expect(render(engine.answer('再見'), 'text', ctx)).toMatch(/^再見！/);
    // A question that thanks in passing is a question.
    expect(engine.answer('谢谢，南沙落户要多久').found).toBe(true);
  });

  it('answers questions about the article itself from its metadata', () => {
    expect(found('这篇文章是谁写的?')).toMatchObject({ kind: 'meta', field: 'author', shortAnswer: { 'zh-Hans': '毛梓铭', 'zh-Hant': '毛梓銘' } });
    expect(found('Who is the author of the article?').shortAnswer?.en).toContain('Mao Ziming');
    expect(found('文章发表在哪家报纸?').shortAnswer?.['zh-Hans']).toBe('广州日报');
    expect(found('责编是谁').shortAnswer?.['zh-Hans']).toBe('段星宇、王倩');
  });

  it('answers a question the article asks itself with the sentence that follows it', () => {
    expect(found('过去老是跑腿多、办事难，根源在哪里').quote).toMatch(/^很大程度上是因為流程繁瑣。/);
  });

  it('corrects a typo only from characters nothing else explains', () => {
    // 海朱 → 海珠 and 驿战 → 驿站, while 区的 (qu de) stays and does not become 取得.
    expect(found('海朱区的无人值守驿战在哪').quote).toContain('琶洲建設者之家');
  });

  it('quotes a lead sentence (精細,即措施更精細。) with the sentence after it, and cites the lead', () => {
    const r = found('措施更精细具体要做到什么');
    expect(r.sentenceId).toBe('p5s1');
    expect(r.quote).toBe('精細,即措施更精細。能充分考慮不同企業和群眾的需求,主動貼近、靠前服務,及時解決困難,用廣州的溫度溫情溫暖服務營造濃厚的干事創業氛圍。');
    expect(found('南沙落户要多久').quote).toBe('現在來南沙落戶,不僅材料交得少了,從申報到落戶只需10個工作日即可。');
  });

  it('understands Cantonese particles and question words', () => {
    expect(found('點解以前辦事咁難㗎？').quote).toMatch(/^很大程度上是因為流程繁瑣。/);
  });

  it.each([
    ['在南沙办落户要交多少手续费？', 'a fee'],
    ['琶洲政务驿站的咨询电话是多少？', 'a phone number'],
    ['On what date did the Pazhou self-service station open?', 'a date'],
    ['天河区有没有24小时无人值守的政务驿站？', 'a place it does not cover'],
  ])('refuses %s: it asks for %s the article does not give', (q) => {
    expect(engine.answer(q).found).toBe(false);
  });

  it('remembers answers to questions asked again, and can be told not to', () => {
    expect(engine.answer('南沙落户要多久')).toBe(engine.answer('南沙落户要多久'));
    const uncached = createEngine(engine.knowledge, { cacheSize: 0 });
    const [a, b] = [uncached.answer('南沙落户要多久'), uncached.answer('南沙落户要多久')];
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(a).toEqual(engine.answer('南沙落户要多久'));
  });

  it('matches numbers as whole numbers', () => {
    expect(found('128项是什么').quote).toContain('128項');
    expect(engine.answer('12项').found).toBe(false);
  });
});

describe('render()', () => {
  it('writes Simplified for a Simplified question: short answer, quote, attribution with paragraph', () => {
    const text = render(engine.answer('南沙落户要多久'), 'text', ctx);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^答：.*10个工作日/);
    expect(lines[1]).toBe('现在来南沙落户,不仅材料交得少了,从申报到落户只需10个工作日即可。');
    expect(lines[2]).toBe('— 毛梓铭《“减证便民”,用减法为获得感充值》，广州日报，2019-07-16，第2段');
  });

  it('keeps the article’s Traditional for a Traditional question', () => {
    const text = render(engine.answer('南沙落戶要幾天'), 'text', ctx);
    expect(text).toContain('現在來南沙落戶');
    expect(text).toContain('— 毛梓銘《“減證便民”,用減法為獲得感充值》，廣州日報，2019-07-16，第2段');
  });

  it('writes English with the translation and the original Chinese quote', () => {
    const text = render(engine.answer('How long does settling in Nansha take?'), 'text', ctx);
    expect(text).toMatch(/^Answer: .*10 working days/);
    expect(text).toContain('Original: 現在來南沙落戶');
    expect(text).toMatch(/Mao Ziming, .*Guangzhou Daily \(廣州日報\), 2019-07-16, paragraph 2$/);
  });

  it('honours a chat’s language over the question’s', () => {
    expect(render(engine.answer('南沙落户要多久'), 'text', ctx, 'en')).toMatch(/^Answer: /);
  });

  it('fits a reply with an overlong quote into 4096 characters without breaking a tag', () => {
    const base = found('南沙落户要多久');
    const long = { ...base, quote: '<&>南沙'.repeat(2000), translation: 'x & y '.repeat(2000) };
    for (const lang of ['zh-Hans', 'en'] as const) {
      const html = render(long, 'html', ctx, lang);
      expect(html.length).toBeLessThanOrEqual(4096);
      expect(html).toMatch(/<i>— .*paragraph 2|第2段<\/i>/);
      expect(html.replace(/<\/?(b|i|blockquote)>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
      expect(render(long, 'text', ctx, lang).length).toBeLessThanOrEqual(4096);
    }
  });

  it('escapes everything in HTML and stays within 4096 characters', () => {
    const html = render(engine.answer('南沙落户要多久'), 'html', ctx);
    expect(html).toMatch(/^答：<b>.*<\/b>\n<blockquote>现在来南沙落户.*<\/blockquote><i>— 毛梓铭《“减证便民”,用减法为获得感充值》，广州日报，2019-07-16，第2段<\/i>$/s);
    const hostile = engine.answer('<b>南沙</b><script>alert(1)</script>落户&amp;多久');
    const out = render(hostile, 'html', ctx);
    expect(out).not.toContain('<script>');
    expect(out.replace(/<\/?(b|i|blockquote)>/g, '')).not.toMatch(/[<>]/);
    expect(out.length).toBeLessThanOrEqual(4096);
  });
});
