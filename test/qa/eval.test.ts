import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { readCases, score } from '../helpers/score.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine } = openEngine(TEST_KNOWLEDGE);

describe('evaluation sets', () => {
  it('dev set: ≥ 95% answered with the right quote, every out-of-scope question refused, every answer attributed', () => {
    const s = score(engine, readCases('test/fixtures/dev.jsonl'));
    expect(s.answered / s.answerable, s.misses.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(s.refused, s.misses.join('\n')).toBe(s.outOfScope);
    expect(s.hardRefused).toBe(s.hard);
    expect(s.attributed).toBe(s.found);
  });

  it.each(['extra.jsonl', 'extra2.jsonl', 'extra3.jsonl', 'extra4.jsonl'])('independent set %s (other phrasings, typos, more English and out-of-scope): ≥ 90% answered, 100% refused', (file) => {
    const s = score(engine, readCases(`test/fixtures/${file}`));
    expect(s.answered / s.answerable, s.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(s.refused, s.misses.join('\n')).toBe(s.outOfScope);
    expect(s.hardRefused / s.hard, s.misses.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(s.attributed).toBe(s.found);
  });
});

/**
 * Sets written by helpers who saw only the article's text (docs/evaluation.md): each was scored once
 * before any change made for it (the first pass, in docs/evaluation.md), then kept here so that no later
 * change makes it worse. The floors are the figures after the fixes of 2026-11-27, less one question.
 */
const BLIND: [file: string, answered: number][] = [
  ['blind1.jsonl', 108],
  ['blind2.jsonl', 102],
  ['blind3.jsonl', 101],
  ['blind4.jsonl', 96],
  ['blind5.jsonl', 109],
  ['blind6.jsonl', 104],
  ['blind7.jsonl', 79],
  ['blind8.jsonl', 102],
  ['blind9.jsonl', 106],
  ['blind10.jsonl', 102],
  ['blind11.jsonl', 97],
];

describe('blind sets: first-pass sets kept as regression checks', () => {
  it.each(BLIND)('%s: at least %i answered with the right sentence, every off-topic question declined, ≥ 80% of near misses declined or partial', (file, floor) => {
    const s = score(engine, readCases(`test/fixtures/${file}`));
    expect(s.answered, s.misses.join('\n')).toBeGreaterThanOrEqual(floor);
    expect(s.refused, s.misses.join('\n')).toBe(s.outOfScope);
    expect(s.hardRefused / s.hard, s.misses.join('\n')).toBeGreaterThanOrEqual(0.8);
    expect(s.attributed).toBe(s.found);
  });

  it.each(['nonq1.jsonl', 'nonq2.jsonl', 'nonq3.jsonl', 'nonq4.jsonl'])('%s: every non-question (commands, help, chit-chat, the bot, time, weather) is declined without a quote', (file) => {
    for (const c of readCases(`test/fixtures/${file}`)) {
      const r = engine.answer(c.q);
      expect(r.kind, c.q).toBe('declined');
    }
  });
});

describe('scale', () => {
  it('the same article twenty times over answers and refuses the dev set exactly as one copy does', () => {
    const k = engine.knowledge;
    const copies = Array.from({ length: 20 }, (_, i) => {
      const c = structuredClone(k.articles[0]!);
      c.article.id = `${c.article.id}-copy-${i}`;
      c.facts = c.facts.map((f) => ({ ...f, id: `${f.id}-copy-${i}` }));
      return c;
    });
    const many = createEngine({ ...k, articles: copies });
    const cases = readCases('test/fixtures/dev.jsonl');
    expect(cases.map((c) => many.answer(c.q).found)).toEqual(cases.map((c) => engine.answer(c.q).found));
    expect(score(many, cases).answered).toBe(score(engine, cases).answered);
  });
});
