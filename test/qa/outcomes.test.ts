/**
 * The three outcomes (answer, partial, decline), the kinds of detail a question asks for, questions
 * about the article itself, non-questions, chatty framings, Cantonese and English without a shared
 * word: each checked on the real knowledge.
 */
import { describe, expect, it } from 'vitest';
import type { PartialAnswer, Result, SentenceAnswer } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { render } from '../../src/qa/render.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine, ctx } = openEngine(TEST_KNOWLEDGE);

const sentence = (q: string): SentenceAnswer => {
  const r = engine.answer(q);
  if (r.kind !== 'sentence') throw new Error(`${q}: expected a quoted answer, got ${r.kind}${r.kind === 'declined' ? ` (${r.reason})` : ''}`);
  return r;
};
const partial = (q: string): PartialAnswer => {
  const r = engine.answer(q);
  if (r.kind !== 'partial') throw new Error(`${q}: expected a partial reply, got ${r.kind}${r.kind === 'sentence' ? ` (${r.sentenceId})` : ''}`);
  return r;
};
const quotes = (r: Result): boolean => r.kind === 'sentence' || r.kind === 'partial';

describe('partial replies: the article speaks of the subject but does not give what was asked', () => {
  it.each([
    ['三个零距离服务是哪三个', 'list', 'p1s1'],
    ['“三個零距離服務”具體係指邊三個?', 'list', 'p1s1'],
    ['What are the three zero-distance services?', 'list', 'p1s1'],
    ['128项不见面审批都包括哪些事项', 'list', 'p1s1'],
    ['广州取消的那430项证明具体都是哪些?', 'list', 'p1s3'],
    ['大湾区内地9个城市是哪9个', 'list', 'p2s6'],
    ['430项里市级多少项、区级多少项?', 'breakdown', 'p1s3'],
    ['清理证明事项第二多的城市是哪个', 'ordinal', 'p1s3'],
    ['南沙落户要交多少钱', 'fee', 'p2s5'],
    ['南沙落户需要准备哪些材料', 'list', 'p2s5'],
    ['琶洲政务驿站的咨询电话是多少？', 'phone number', 'p2s6'],
    ['无人值守驿站是什么时候推出的', 'start date', 'p2s6'],
    ['南沙以前落户要多少个工作日?', 'earlier figure', 'p2s5'],
    ['收审分离是什么意思', 'named only', 'p2s4'],
  ])('%s → partial (%s), closest sentence %s', (q, missing, sentenceId) => {
    const r = partial(q);
    expect(r.missing).toBe(missing);
    expect(r.related.sentenceId).toBe(sentenceId);
    expect(r.found).toBe(false);
  });

  it('says what is missing in the asker’s language and names the subject as the article does', () => {
    const zh = partial('三个零距离服务是哪三个');
    expect(zh.subject['zh-Hans']).toBe('三个零距离服务');
    expect(zh.subject['zh-Hant']).toBe('三個零距離服務');
    const text = render(zh, 'text', ctx);
    expect(text).toMatch(/^文章提到了“三个零距离服务”，但没有列出具体是哪些。/);
    expect(text).toContain('— 毛梓铭《“减证便民”,用减法为获得感充值》，广州日报，2019-07-16，第1段');
    expect(render(partial('“三個零距離服務”具體係指邊三個?'), 'text', ctx)).toMatch(/^文章提到了「三個零距離服務」，但沒有列出具體是哪些。/);
    expect(render(partial('What are the three zero-distance services?'), 'text', ctx)).toMatch(/^The article mentions “.*” but does not list them\./);
  });

  it('renders distinctly from an answer: the notice in bold, then the closest quote; never an “答：” line', () => {
    const html = render(partial('南沙落户要交多少钱'), 'html', ctx);
    expect(html).toMatch(/^<b>文章提到了“南沙落户”，但没有提到费用。<\/b>最相关的是这一句：\n<blockquote>现在来南沙落户/);
    expect(html).not.toContain('答：');
  });

  it('answers when the sentence gives the kind of thing asked: a list attached to it, a count of it, a date', () => {
    expect(sentence('驿站提供哪些服务').sentenceId).toBe('p2s6');
    expect(sentence('文章提到哪些新技术').sentenceId).toBe('p3s7');
    expect(sentence('Which new technologies does the article mention?').sentenceId).toBe('p3s7');
    expect(sentence('有多少事项实现了不见面审批').sentenceId).toBe('p1s1');
    expect(sentence('驿站能办多少项业务').sentenceId).toBe('p2s6');
    expect(sentence('How many cities are covered by the Pazhou station?').sentenceId).toBe('p2s6');
    expect(sentence('说广州取消430项证明的那个报告是什么时候出的').sentenceId).toBe('p1s3');
    expect(sentence('广州在全国清理证明事项里排第几?').sentenceId).toBe('p1s3');
  });

  it('looks for the time beside the thing asked about: 10个工作日 is for the hukou card, not for health approvals', () => {
    expect(sentence('入户卡几天能拿到').sentenceId).toBe('p1s1');
    expect(engine.answer('卫生行政审批现在几天能批下来?').found).toBe(false);
  });
});

describe('questions about an article itself, recognised by an intent lexicon over its metadata', () => {
  it.each([
    ['这篇文章是谁写的?', 'author', '毛梓铭'],
    ['呢篇文章係邊個寫㗎', 'author', '毛梓銘'],
    ['Who wrote this op-ed?', 'author', 'Mao Ziming'],
    ['作者', 'author', '毛梓铭'],
    ['这是哪家报纸的文章', 'publication', '广州日报'],
    ['邊份報紙登嘅', 'publication', '廣州日報'],
    ['which paper ran this piece', 'publication', 'Guangzhou Daily'],
    ['标题是什么', 'title', '用减法为获得感充值'],
    ["what's the headline", 'title', 'Fewer Certificates'],
    ['這篇評論是哪一天刊登的?', 'date', '2019-07-16'],
    ['When was it published?', 'date', '2019-07-16'],
    ['责编是谁', 'editors', '段星宇、王倩'],
    ['责编是哪两位', 'editors', '段星宇、王倩'],
  ])('%s → the %s field', (q, field, value) => {
    const r = engine.answer(q);
    expect(r).toMatchObject({ found: true, kind: 'meta', field });
    expect(render(r, 'text', ctx)).toContain(value);
  });

  it('does not take a question about the article’s content for one about its author or date', () => {
    expect(sentence('Which technologies does the writer credit?').sentenceId).toMatch(/^p3s[67]$/);
    expect(engine.answer('作者觉得广州现在还有什么不足').kind).not.toBe('meta');
  });
});

describe('non-questions: help or a greeting, never a quote', () => {
  it.each([
    '/start',
    '/help@SomeBot',
    '--help',
    'help',
    'can you help me',
    '怎么用',
    '點用㗎',
    'what can you do',
    '现在几点了',
    'what time is it',
    '今日禮拜幾',
    'what is the weather',
    'is it gonna rain tomorrow?',
    '广州今天天气怎么样',
    'who are you',
    '你是谁',
    '你係咪真人',
    '邊個整你出嚟㗎？',
    '你有自己的意识吗',
    'tell me a joke lol',
    '讲个笑话',
    'test',
    '哈哈哈',
    '帮我写一份入户申请书',
    '1+1等于几',
    'what is 3 × 4',
    '“营业执照”英文怎么说',
    '你好',
    '谢谢你的帮忙',
    '早晨',
  ])('%s', (q) => {
    const r = engine.answer(q);
    expect(r.found).toBe(false);
    expect(quotes(r)).toBe(false);
    if (r.kind === 'declined') expect(['help', 'greeting']).toContain(r.reason);
  });

  it('does not spell a real English word into another one: weather stays weather', () => {
    expect(engine.explain('what is the weather').terms.map((t) => t.text)).not.toContain('whether');
    expect(sentence('How many certficates has Guangzhou cancelled?').sentenceId).toBe('p1s3');
    expect(sentence('is it true gaungzhou is the city that cleared the most certificats in china?').sentenceId).toBe('p1s3');
  });

  it('still answers a real question wrapped in chatter', () => {
    expect(sentence('hi! can you help me: how long does it take to settle in Nansha?').sentenceId).toBe('p2s5');
  });
});

describe('chatty framings reduce to their claim', () => {
  it.each([
    ['群里有人说广州一口气砍了四百多项证明,真的假的?', 'p1s3'],
    ['Someone in my group chat claims Guangzhou scrapped over 400 kinds of certificate requirements. Legit?', 'p1s3'],
    ['我朋友前两年在南沙落户折腾了好久,现在是不是快多了', 'p2s5'],
    ['my buddy said sorting out his hukou in Nansha took 2 months, is that still true?', 'p2s5'],
    ['係咪真係128項嘢唔使見面就批到?', 'p1s1'],
  ])('%s → %s', (q, id) => {
    expect(sentence(q).sentenceId).toBe(id);
  });

  it('a claim about the past the article does not give is a partial reply, not a confirmation', () => {
    expect(partial('群里有人说南沙落户以前要三个月,现在10个工作日。以前要三个月这个说法文章里有吗?').missing).toBe('earlier figure');
  });

  it('a story before a question that names its subject is context; before 靠谱吗 or true? it is the question', () => {
    expect(sentence('my buddy moved his hukou to Nansha a couple yrs back and it dragged on forever. is it any quicker these days?').sentenceId).toBe('p2s5');
    expect(engine.answer('我要不要辞职去南沙开个奶茶店,靠谱吗').found).toBe(false);
    expect(sentence('heard nansha does the initial review on the same day, true?').sentenceId).toBe('p2s4');
  });

  it('a clause about the asker is context, not question', () => {
    expect(sentence('我是开五金店的小老板,天天跑审批。文章说要让企业把时间多花在哪?').sentenceId).toBe('p3s4');
    expect(sentence('Hi all, I am a freelance reporter based in Tianhe. What exactly is the self-service government kiosk in Haizhu?').sentenceId).toBe('p2s6');
  });
});

describe('language resources', () => {
  it('reads Cantonese words in Mandarin, keeping words the knowledge knows (关系 is not 关是)', () => {
    expect(sentence('有幾多項嘢唔使見面就批到').sentenceId).toBe('p1s1');
    expect(sentence('點解以前去辦嘢要跑咁多轉').sentenceId).toBe('p6s3');
    expect(sentence('減證便民同城市競爭力有咩關係').sentenceId).toBe('p8s2');
  });

  it('maps English to the knowledge’s Chinese with CC-CEDICT where the glossary is silent', () => {
    const terms = engine.explain('Which districts target the housing of the masses?').terms;
    expect(terms.find((t) => t.text === 'housing')?.alts).toContain('住房');
    expect(terms.find((t) => t.text === 'masses')?.alts).toContain('群众');
  });

  it('reads an English compound as the kind of thing it names (work permit → 工作证), which the article does not mention', () => {
    expect(engine.explain('How do I renew my work permit in Guangzhou?').terms.find((t) => t.text === 'work permit')?.alts).toContain('工作证');
    expect(engine.answer('How do I renew my work permit in Guangzhou?').found).toBe(false);
    expect(sentence('How many certificate requirements did Guangzhou cancel?').sentenceId).toBe('p1s3');
  });

  it('reads a knowledge word written in pinyin in an English question (jingzhun → 精准, luohu → 落户)', () => {
    expect(engine.explain('what does jingzhun mean in the article').terms.find((t) => t.text === 'jingzhun')?.alts).toContain('精准');
    expect(sentence('how long does nansha luohu take').sentenceId).toBe('p2s5');
  });

  it('cuts Chinese by the knowledge’s own words: 接下来|往, not 接下|来往', () => {
    expect(engine.explain('广州接下来往哪个方向努力').terms.map((t) => t.text)).toContain('接下来');
  });
});
