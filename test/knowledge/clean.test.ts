import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyCorrections, removePinyin, splitSentences } from '../../src/knowledge/clean.js';
import { generateArticle } from '../../src/knowledge/generate.js';
import { FIRST_ARTICLE, TEST_KNOWLEDGE } from '../support/knowledge.js';

const DIR = path.join(TEST_KNOWLEDGE, FIRST_ARTICLE);

describe('cleaning the damaged article', () => {
  const { article, report, json } = generateArticle(DIR);
  const text = article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text)).join('');

  it('the committed article.json is exactly what raw.txt + corrections.json generate (run npm run knowledge)', () => {
    expect(readFileSync(`${DIR}/article.json`, 'utf8')).toBe(json);
  });

  it('removes every pinyin annotation and keeps Chinese text in parentheses', () => {
    expect(report.pinyinRemoved).toBeGreaterThan(100);
    expect(text).not.toMatch(/\([a-zà-ɏ]+\)/iu);
    expect(removePinyin('報(bào)村(社區)').text).toBe('報村(社區)');
  });

  it('repairs the four mojibake spans', () => {
    for (const original of ['轉變!“讓數據多跑路', '成績仍有提升空間;', '因為流程繁瑣。', '必作于細!“減證便民”']) expect(text).toContain(original);
    expect(text).not.toMatch(/[\uE000-\uF8FF]|白寯|皽|\?[a-z]|[a-z]\)/u);
  });

  it('drops the trailing list of county names and reads the metadata from header and footer', () => {
    expect(report.droppedLines).toHaveLength(1);
    expect(text).not.toContain('泰兴市');
    expect(article.meta).toEqual({
      title: '“減證便民”,用減法為獲得感充值',
      originalTitle: '“減證便民”,用減法為獲得感充值',
      publication: '廣州日報',
      author: '毛梓銘',
      date: '2019-07-16',
      time: '08:10',
      editors: ['段星宇', '王倩'],
    });
  });

  it('gives paragraphs and sentences stable ids', () => {
    expect(article.paragraphs).toHaveLength(8);
    const p2s5 = article.paragraphs[1]!.sentences[4]!;
    expect(p2s5).toEqual({ id: 'p2s5', text: '現在來南沙落戶,不僅材料交得少了,從申報到落戶只需10個工作日即可。' });
  });

  it('splits sentences after 。!? and keeps closing quotes with their sentence', () => {
    expect(splitSentences('他說:“好!”然後走了。還有呢?')).toEqual(['他說:“好!”', '然後走了。', '還有呢?']);
  });

  it('refuses a correction that does not match exactly once', () => {
    const corrections = { replacements: [{ damaged: 'xyz', original: 'a', reason: 'test' }] };
    expect(() => applyCorrections('abc', corrections)).toThrow(/replacements\[0\]\.damaged matches 0 times/);
  });
});
