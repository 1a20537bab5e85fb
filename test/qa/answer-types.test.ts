import { describe, expect, it } from 'vitest';
import { AnswerTypes, PART_END } from '../../src/qa/answer-types.js';
import { openEngine } from '../../src/qa/open-engine.js';
import type { Term } from '../../src/text/terms.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine } = openEngine(TEST_KNOWLEDGE);
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
    ['What percentage of services can be done online?', 'share'],
    ['核查办法叫什么名字', 'name'],
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

  it('a share answers what share (九成, 98.6%), and how many of a thing when it stands beside it', () => {
    const share = types.asked('what percentage can be done online', []);
    expect(types.missing(share, evidence('政务服务事项网上可办率达到98.6%。'), [])).toBeUndefined();
    expect(types.missing(share, evidence('政务服务事项全部可以网上办理。'), [])?.name).toBe('share');
    const q = '有多少是全程网办的';
    const many = types.asked(q, [term(q, '全程网办')]);
    expect(types.missing(many, evidence('新登记商事主体53.2万户,其中通过全程网办设立的占比超过九成。'), [])).toBeUndefined();
    expect(types.missing(many, evidence('新登记商事主体53.2万户,大多通过全程网办设立。'), [])?.name).toBe('count');
  });

  it('people are counted under other names (用户, 人次); a number of something else does not count them', () => {
    const q = '有多少人注册';
    const people = types.asked(q, [term(q, '人', ['人'])]);
    expect(types.missing(people, evidence('天府市民云App实名注册用户突破1200万。'), [])).toBeUndefined();
    expect(types.missing(people, evidence('驿站提供约100项便民服务,24小时开放。'), [])?.name).toBe('count');
    // The asker's word named in the sentence as part of a name (天府市民云) does not hide the head count.
    const en = 'how many people registered';
    const residents = types.asked(en, [term(en, 'people', ['群众', '市民', '居民'])]);
    expect(types.missing(residents, evidence('天府市民云App实名注册用户突破1200万。'), [])).toBeUndefined();
    expect(types.missing(residents, evidence('天府市民云App已接入52个市级部门的服务事项。'), [])?.name).toBe('count');
  });

  it('a list whose items are the thing asked about answers; a count of one named thing among items does not', () => {
    const q = '要准备哪些证明材料';
    const which = types.asked(q, [term(q, '证明材料', ['证明', '证明材料'])]);
    expect(types.missing(which, evidence('申请人往往要准备学历证明、无犯罪记录证明、租房证明等十几份材料。'), [])).toBeUndefined();
    const w = '三个零距离服务是哪些服务';
    const services = types.asked(w, [term(w, '零距离服务')]);
    expect(types.missing(services, evidence('128项事项实现“不见面”审批、“三个零距离服务”惠及企业群众。'), [])?.name).toBe('list');
  });

  it('what is kept answers what remains; a name is a title in 《》 or a quoted name of a thing', () => {
    const left = types.asked('还有多少项', []);
    expect(types.missing(left, evidence('最终确需保留的37项证明事项形成清单。'), [])).toBeUndefined();
    const name = types.asked('核查办法叫什么名字', []);
    expect(types.missing(name, evidence('按照杭州出台的《证明事项告知承诺制事中事后核查办法》,受理部门须在30日内核查。'), [])).toBeUndefined();
    expect(types.missing(name, evidence('受理部门须在办结后30日内完成核查。'), [])?.name).toBe('name');
  });

  it('an ordinal is asked of a ranking (第二多), not of 第二个地方', () => {
    expect(types.asked('全国清理证明第二多的是哪个城市', []).map((a) => a.name)).toContain('ordinal');
    expect(types.asked('去第二个地方办事还要再签吗', []).map((a) => a.name)).not.toContain('ordinal');
  });
});
