/**
 * Questions about an article itself on articles ingested raw (no translations, no facts): bylines
 * read for who is named and as what, yes-or-no forms, a paper or city that picks its article, and
 * English for an article nobody translated.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/knowledge/ingest.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { ArticleMeta } from '../../src/knowledge/schema.js';
import { readByline } from '../../src/qa/byline.js';
import { createEngine, type Engine } from '../../src/qa/engine.js';
import { metaAnswer, paperInEnglish } from '../../src/qa/source-answers.js';
import type { Result, SourceRef } from '../../src/qa/types.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const work = mkdtempSync(path.join(tmpdir(), 'source-answers-'));
let engine: Engine;

beforeAll(async () => {
  // The engine's lexicons without any article of knowledge/, then two articles as an operator ingests them.
  const knowledge = path.join(work, 'knowledge');
  mkdirSync(knowledge);
  for (const f of readdirSync(TEST_KNOWLEDGE)) if (statSync(path.join(TEST_KNOWLEDGE, f)).isFile()) cpSync(path.join(TEST_KNOWLEDGE, f), path.join(knowledge, f));
  await ingest('test/fixtures/articles/hangzhou-daily-2020-05-20/raw.txt', knowledge);
  await ingest('test/fixtures/chengdu.raw.txt', knowledge);
  engine = createEngine(loadKnowledge(knowledge), { cacheSize: 0 });
}, 90_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function meta(r: Result) {
  expect(r).toMatchObject({ found: true, kind: 'meta' });
  if (!r.found || r.kind !== 'meta') throw new Error('not an answer about the article');
  return r;
}

describe('a byline, read', () => {
  it.each([
    ['毛梓銘', [{ name: '毛梓銘', role: 'writer', label: '' }]],
    ['本報記者 沈佳穎 通訊員 周立峰', [{ name: '沈佳穎', role: 'reporter', label: '本報記者' }, { name: '周立峰', role: 'correspondent', label: '通訊員' }]],
    ['長江日報記者 羅曉蕾 通訊員 肖雲鵬', [{ name: '羅曉蕾', role: 'reporter', label: '長江日報記者' }, { name: '肖雲鵬', role: 'correspondent', label: '通訊員' }]],
    ['本报记者王振文', [{ name: '王振文', role: 'reporter', label: '本报记者' }]],
    ['文/李四', [{ name: '李四', role: 'writer', label: '' }]],
    ['本報評論員', []],
    ['本報記者', []],
  ])('%s', (byline, people) => {
    expect(readByline(byline)).toEqual(people);
  });

  it('a byline that names nobody is not shown as a person', () => {
    const m: ArticleMeta = { title: 't', originalTitle: 't', publication: '某某日報', author: '本報評論員', date: '2020-01-02', editors: [] };
    const source: SourceRef = { articleId: 'a', title: 't', publication: '某某日報', author: '本報評論員', date: '2020-01-02', editors: [], en: null };
    const who = metaAnswer(m, 'author', source);
    expect(who['zh-Hans']).toBe('署名只有“本报评论员”，没有写出个人姓名');
    expect(who.en).toMatch(/^The byline names no one/);
    expect(metaAnswer(m, 'correspondents', source)['zh-Hant']).toBe('署名裡沒有通訊員');
    expect(metaAnswer(m, 'date', source)).toEqual({ 'zh-Hans': '2020年1月2日', 'zh-Hant': '2020年1月2日', en: '2 January 2020' });
  });

  it('a paper’s usual English name', () => {
    expect(paperInEnglish('長江日報')).toBe('Changjiang Daily (長江日報)');
    expect(paperInEnglish('深圳特區報')).toBe('Shenzhen Special Zone Daily (深圳特區報)');
    expect(paperInEnglish('財新')).toBe('財新');
  });
});

describe('source questions on articles ingested raw', () => {
  it('who wrote it: the reporter by name with the role, the correspondent apart; in English in pinyin', () => {
    const r = meta(engine.answer('杭州日报那篇是谁写的'));
    expect(r.source.publication).toBe('杭州日報');
    expect(r.shortAnswer['zh-Hans']).toBe('沈佳颖（本报记者）；通讯员：周立峰');
    expect(meta(engine.answer('Who wrote the Hangzhou Daily article?')).shortAnswer.en).toBe('Shen Jiaying (沈佳穎, reporter); correspondent: Zhou Lifeng (周立峰)');
    expect(meta(engine.answer('四川日报那篇的记者是谁')).shortAnswer['zh-Hans']).toBe('周子涵');
  });

  it('the correspondent, or that there is none', () => {
    expect(meta(engine.answer('杭州日报那篇的通讯员是谁')).shortAnswer['zh-Hans']).toBe('周立峰');
    expect(meta(engine.answer('四川日报那篇有通讯员吗')).shortAnswer['zh-Hans']).toBe('署名里没有通讯员');
  });

  it('yes or no: a paper or person of an article is a yes for that article, another paper a no', () => {
    const yes = meta(engine.answer('係咪杭州日報嘅?'));
    expect(yes.shortAnswer['zh-Hant']).toBe('是的：杭州日報');
    expect(yes.source.publication).toBe('杭州日報');
    expect(meta(engine.answer('呢篇係咪周子涵寫嘅')).shortAnswer['zh-Hant']).toBe('是的：周子涵');
    expect(meta(engine.answer('是人民日报的吗')).shortAnswer['zh-Hans']).toBe('不是：杭州日报、四川日报');
    expect(meta(engine.answer('Is this from the Sichuan Daily?')).shortAnswer.en).toBe('Yes: Sichuan Daily (四川日報)');
    // A city is not a paper: 是杭州的吗 asks something else.
    expect(engine.answer('是杭州的吗').kind).not.toBe('meta');
  });

  it('a city or paper in the question picks its article; dates read as dates in each language', () => {
    expect(meta(engine.answer('when was the hangzhou article published')).shortAnswer.en).toBe('20 May 2020, 07:20');
    expect(meta(engine.answer('四川日报那篇文章是哪天发的')).shortAnswer['zh-Hans']).toBe('2020年11月23日 07:35');
    // Not pointing at one: each article's, each with its paper.
    const all = meta(engine.answer('这篇文章是哪天发表的')).shortAnswer['zh-Hans'];
    expect(all).toContain('2020-05-20 07:20（杭州日报）');
    expect(all).toContain('2020-11-23 07:35（四川日报）');
  });

  it('a question about what an article says, naming its city, is not taken for one about the article', () => {
    expect(engine.answer('杭州日报报道的告知承诺制是什么').kind).not.toBe('meta');
  });
});
