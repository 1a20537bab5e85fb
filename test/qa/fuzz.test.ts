import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { render, TELEGRAM_MAX_CHARS } from '../../src/qa/render.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

// Warmed up as every long-running door is (the first typo check would otherwise load pinyin-pro).
const { engine, ctx } = openEngine(TEST_KNOWLEDGE);
engine.warmUp();

/** Strings people and attackers send: control characters, lone surrogates, RTL marks, emoji, HTML, huge. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: fc.constantFrom('\u202e', '\u200f', '\u0000', '\u0007', '\ud800', '\udfff', '\ufeff', '😀', '👨‍👩‍👧', '<', '>', '&', '"', '南', '沙', '落', '户', 'a', ' '), maxLength: 300 }),
  fc.constantFrom('', ' ', '\n', '<script>alert(1)</script>', '<b>南沙</b>', '&lt;&amp;', '南'.repeat(100_000), 'a'.repeat(100_000), '\ud800'.repeat(5000)),
  fc.tuple(fc.constantFrom('南沙落户要多久', 'how long in Nansha', '琶洲驿站'), fc.string({ unit: 'binary', maxLength: 50 })).map(([a, b]) => a + b),
);

describe('hostile input', () => {
  it('10,000 hostile strings: no exception, valid output, each answered within 50 ms', () => {
    // The slowest strings are timed again afterwards: on a loaded machine a pause (GC, another
    // process) can land in any call, but a slow input is slow every time.
    const slow: { q: string; ms: number }[] = [];
    fc.assert(
      fc.property(hostile, (q) => {
        const t0 = performance.now();
        const r = engine.answer(q);
        const ms = performance.now() - t0;
        if (ms > 20) slow.push({ q, ms });
        const html = render(r, 'html', ctx);
        expect(html.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
        expect(html.replace(/<\/?(b|i|blockquote)>/g, '')).not.toMatch(/[<>]/);
        expect(typeof r.found).toBe('boolean');
      }),
      { numRuns: 10_000 },
    );
    // Without the answer cache: a cached answer would say nothing about the time to answer.
    const uncached = createEngine(engine.knowledge, { cacheSize: 0 }).warmUp();
    for (const { q } of slow.sort((a, b) => b.ms - a.ms).slice(0, 20)) {
      const times = Array.from({ length: 3 }, () => {
        const t0 = performance.now();
        uncached.answer(q);
        return performance.now() - t0;
      });
      expect(Math.min(...times), JSON.stringify(q.slice(0, 40))).toBeLessThanOrEqual(50);
    }
  }, 120_000);
});
