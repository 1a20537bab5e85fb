/**
 * Every function that reads user text costs time linear in its length (or bounded): what one user
 * sends cannot freeze the bot for the others. Timed at 100 and 10,000 characters of each script and
 * of adversarial shapes; a function fails when a character costs more than 10× as much at 10,000 as
 * at 100. Minimum of several rounds, each over several inputs: a GC pause or a busy core lengthens
 * some rounds, never all of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { scrubPersonalData } from '../../src/store/scrub.js';
import { inputFor, led, repeated, rng, SCRIPTS, SHAPES, userTextFunctions, type Make } from '../support/user-text.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine: cached } = openEngine(TEST_KNOWLEDGE);
// Without the answer cache: a cached answer would say nothing about the time to answer.
const FUNCTIONS = userTextFunctions(createEngine(cached.knowledge, { cacheSize: 0 }).warmUp());
const INPUTS: Record<string, Make> = { ...SCRIPTS, ...SHAPES };

const SMALL = 100;
const LARGE = 10_000;
/** Per-character cost at LARGE may be at most this many times that at SMALL. */
const MAX_RATIO = 10;
const ROUNDS = 5;

/** Time per call (ms): the fastest of ROUNDS rounds, each over `count` fresh inputs. */
function perCall(f: (s: string) => unknown, make: Make, n: number, count: number, seed: number): number {
  const r = rng(seed);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const inputs = Array.from({ length: count }, () => make(n, r));
    const t0 = performance.now();
    for (const s of inputs) f(s);
    best = Math.min(best, (performance.now() - t0) / count);
  }
  return best;
}

/** Per-character cost at LARGE over that at SMALL. */
function growth(f: (s: string) => unknown, make: Make): { ratio: number; small: number; large: number } {
  f(make(SMALL, rng(0)));
  const small = perCall(f, make, SMALL, 10, 1);
  const large = perCall(f, make, LARGE, 2, 2);
  // Below a microsecond a call is all overhead: the timer says nothing about the text.
  const ratio = large / LARGE / (Math.max(small, 0.001) / SMALL);
  return { ratio, small, large };
}

describe('linear time on user text', () => {
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    it(`${name}: a character costs at most ${MAX_RATIO}× as much at ${LARGE} characters as at ${SMALL}`, () => {
      const slow: string[] = [];
      for (const [shape, make] of Object.entries(INPUTS)) {
        const input = inputFor(name, make);
        let g = growth(f, input);
        // Once more before failing: a busy machine may have slowed every large round.
        if (g.ratio > MAX_RATIO) g = growth(f, input);
        if (g.ratio > MAX_RATIO) slow.push(`${shape}: ${g.small.toFixed(3)} ms at ${SMALL}, ${g.large.toFixed(1)} ms at ${LARGE} (×${g.ratio.toFixed(1)} per character)`);
      }
      expect(slow).toEqual([]);
    }, 120_000);
  }

  it('scrubPersonalData: any short unit repeated to 10,000 characters (fast-check)', () => {
    const unit = fc.string({ unit: fc.constantFrom('a', 'Z', '1', '7', ' ', '  ', '.', '-', '@', '_', '(', ')', '+', '南', '我叫', '我是', '李', 'X', ':', '一', 'my name is ', '微信'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(unit, (u) => {
        const g = growth((s) => scrubPersonalData(s), repeated(u));
        const again = g.ratio > MAX_RATIO ? growth((s) => scrubPersonalData(s), repeated(u)) : g;
        expect(again.ratio, JSON.stringify(u)).toBeLessThanOrEqual(MAX_RATIO);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('scrubPersonalData: the first word of a pattern, then any filler repeated to 10,000 characters (fast-check)', () => {
    const word = fc.constantFrom('vx', 'QQ', '微信号', 'wechat', 'telegram', 'my name is', "I'm called", '我叫', '本人姓名', '我是', '@', 't.me/', '+', '(', '1', 'A1');
    const filler = fc.string({ unit: fc.constantFrom(' ', '\t', ':', '.', '-', '_', 'a', '1', '是', '(', ')'), minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(word, filler, (w, f) => {
        const g = growth((s) => scrubPersonalData(s), led(w, f));
        const again = g.ratio > MAX_RATIO ? growth((s) => scrubPersonalData(s), led(w, f)) : g;
        expect(again.ratio, JSON.stringify([w, f])).toBeLessThanOrEqual(MAX_RATIO);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('every function takes under 50 ms on 4,096 characters of any shape (fastest of 3)', () => {
    const slow: string[] = [];
    for (const [name, f] of Object.entries(FUNCTIONS)) {
      for (const [shape, make] of Object.entries(INPUTS)) {
        const input = inputFor(name, make);
        const r = rng(3);
        const times = Array.from({ length: 3 }, () => {
          const s = input(4_096, r);
          const t0 = performance.now();
          f(s);
          return performance.now() - t0;
        });
        if (Math.min(...times) > 50) slow.push(`${name} on ${shape}: ${Math.min(...times).toFixed(1)} ms`);
      }
    }
    expect(slow).toEqual([]);
  }, 120_000);
});
