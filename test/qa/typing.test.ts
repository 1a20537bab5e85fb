/**
 * fuse.js over the facts' question phrasings: inline answers while the question is still being
 * typed, suggestions close to a declined question, and bare keywords answered with the fact about
 * them. All on the real knowledge.
 */
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../src/knowledge/schema.js';
import { asYouType } from '../../src/qa/typing.js';
import type { Found } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine } = openEngine(TEST_KNOWLEDGE);

const id = (r: Found): string => (r.kind === 'sentence' ? (r.factId ?? r.sentenceId) : r.field);

describe('inline, as the question is typed', () => {
  it.each([
    ['南沙落', 'zh-Hans'],
    ['nansh', 'en'],
    ['how long does sett', 'en'],
    ['南沙落戶要幾', 'zh-Hant'],
  ] as const)('%s offers the 10-working-days answer first', (typed, lang) => {
    const { found, partial } = asYouType(engine, typed, lang);
    expect(partial).toBeUndefined();
    expect(found.length).toBeLessThanOrEqual(5);
    const first = found[0]!;
    expect(first.kind === 'sentence' && first.quote).toMatch(/10個工作日/);
    expect(first.source.publication).toBe('廣州日報');
  });

  it('finds the fact of nearly every phrasing cut to 40–80% of its length, far more often than the engine alone', () => {
    let cases = 0;
    let alone = 0;
    let typing = 0;
    for (const article of engine.knowledge.articles) {
      for (const fact of article.facts) {
        for (const lang of LANGS) {
          for (const q of fact.questions[lang]) {
            const chars = [...q];
            for (const cut of [0.4, 0.6, 0.8]) {
              const typed = chars.slice(0, Math.max(1, Math.round(chars.length * cut))).join('');
              const hit = (rs: Found[]) => rs.some((r) => r.kind === 'sentence' && r.sentenceId === fact.sentence);
              cases++;
              if (hit(engine.search(typed, 5))) alone++;
              if (hit(asYouType(engine, typed, lang).found)) typing++;
            }
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(2_000);
    // Measured 2026-11-27: 82.3% alone, 94.9% with fuse.js.
    expect(typing / cases).toBeGreaterThanOrEqual(0.94);
    expect(typing / cases - alone / cases).toBeGreaterThanOrEqual(0.1);
  }, 60_000);

  it('a complete question the article speaks of without answering is offered as its partial reply alone', () => {
    const { found, partial } = asYouType(engine, '三个零距离服务是哪三个', 'zh-Hans');
    expect(found).toHaveLength(0);
    expect(partial?.missing).toBe('list');
  });

  it('a question without a confident answer offers its "did you mean" sentences as cards', () => {
    const q = '收审分离具体是怎么操作的,先交材料还是先审?';
    const r = engine.answer(q);
    if (r.found || r.kind !== 'declined') throw new Error(`expected a decline for ${q}`);
    expect(r.choices.length).toBeGreaterThan(0);
    const { found } = asYouType(engine, q, 'zh-Hans');
    for (const c of r.choices) expect(found.some((f) => f.kind === 'sentence' && f.sentenceId === c.sentenceId)).toBe(true);
    expect(found.length).toBeGreaterThanOrEqual(r.choices.length);
  });

  it('offers nothing for what no phrasing is close to', () => {
    expect(engine.closestFacts('比特币', 5, 0.25)).toHaveLength(0);
    expect(engine.closestFacts('bitcoin price', 5, 0.25)).toHaveLength(0);
  });
});

describe('suggestions for a declined question', () => {
  it('are the questions closest to it (北京落户要多久 → the Nansha question)', () => {
    const r = engine.answer('北京落户要多久');
    expect(r.found).toBe(false);
    expect(!r.found && r.suggestions[0]?.factId).toBe('nansha-settle-days');
  });

  it('are the key facts only when nothing is close', () => {
    const r = engine.answer('比特币多少钱一个');
    const keys = engine.keyFacts().map((f) => f.id);
    expect(!r.found && r.suggestions.map((s) => s.factId)).toEqual(keys.slice(0, 3));
  });
});

describe('a bare keyword gets the fact about it, not a detail that mentions it', () => {
  it.each([
    ['琶洲', 'haizhu-unmanned-station'],
    ['Pazhou', 'haizhu-unmanned-station'],
    ['减证便民', 'jianzheng-bianmin-meaning'],
    ['Nansha', 'nansha-settle-days'],
  ])('%s → %s', (q, fact) => {
    const r = engine.answer(q);
    expect(r.found && id(r)).toBe(fact);
  });

  it('a keyword the engine already answers with its definition keeps it (精简)', () => {
    const r = engine.answer('精简');
    expect(r.found && r.kind === 'sentence' && r.quote).toContain('精簡,即流程更精簡');
  });
});
