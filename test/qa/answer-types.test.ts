import { describe, expect, it } from 'vitest';
import { AnswerTypes, PART_END } from '../../src/qa/answer-types.js';
import { openEngine } from '../../src/qa/open-engine.js';
import type { Term } from '../../src/text/terms.js';

const { engine } = openEngine();
const types = new AnswerTypes(engine.knowledge.lexicon);

/** A term of `text` where it stands in `question`, spelt in the knowledge as `zh`. */
const term = (question: string, text: string, zh: string[] = [text]): Term => {
  const at = question.indexOf(text);
  return { text, kind: 'content', zh, en: [], at, end: at + text.length };
};
const evidence = (zh: string) => ({ zh, parts: zh.split(PART_END) });

describe('what a question asks for', () => {
  it.each([
    ['琶洲驿站的电话是多少', 'phone number'],
    ['驿站在哪个街道,具体地址', 'address'],
    ['哪九个城市', 'list (个城市)'],
    ['Which nine cities does the kiosk cover?', 'list (cities)'],
    ['how many cities does the kiosk cover', 'count (cities)'],
    ['430项证明里市级和区级各多少', 'breakdown'],
    ['减证便民是从哪一年开始的', 'start date'],
    ['第二多的是哪个城市', 'ordinal'],
    ['落户要带什么材料', 'materials'],
    ['说430项的那个报告是谁发的', 'who'],
  ])('%s → %s', (q, kind) => {
    expect(engine.explain(q).asks).toContain(kind);
  });

  it('asks for nothing in particular when nothing asks (南沙落户要多久 asks a duration only)', () => {
    expect(engine.explain('南沙落户要多久').asks).toEqual(['duration']);
    expect(engine.explain('广州减证便民').asks).toEqual([]);
  });
});

describe('whether a sentence gives it', () => {
  const q = '哪些城市的业务可以办';
  const asked = types.asked(q, [term(q, '城市', ['城市'])]);

  it('a list attached to the thing asked about answers; a count of it does not', () => {
    expect(asked.map((a) => a.name)).toContain('list');
    const counted = '包括粤港澳大湾区内地9个城市的民生、交通、住房、通关等约100项便民服务';
    expect(types.missing(asked, evidence(counted), [])?.name).toBe('list');
    expect(types.missing(asked, evidence('可办理广州、佛山、肇庆等城市的业务'), [])).toBeUndefined();
  });

  it('a count answers only with a number beside the thing counted', () => {
    const how = 'how many cities';
    const count = types.asked(how, [term(how, 'cities', ['城市'])]);
    expect(types.missing(count, evidence('包括粤港澳大湾区内地9个城市的民生、交通等约100项便民服务'), [])).toBeUndefined();
    expect(types.missing(count, evidence('海珠区推出全国首个智能政务服务驿站,城市的民生服务都可以办'), [])?.name).toBe('count');
  });

  it('a named thing is explained by 即/就是, not by being one quoted name in a list', () => {
    const what = '收审分离是什么意思';
    const named = types.asked(what, [term(what, '收审分离')]).filter((a) => a.name === 'named only');
    expect(types.missing(named, evidence('实施“收审分离”“当天初审”“减证提速”等优化措施。'), [])?.name).toBe('named only');
    expect(types.missing(named, evidence('收审分离,即收件和审核分开。'), [])).toBeUndefined();
  });
});
