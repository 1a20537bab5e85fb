/**
 * Every function that reads user text costs time linear in its length (or bounded): what one user
 * sends cannot freeze the bot for the others. Timed at 100 and 10,000 characters of each script and
 * of adversarial shapes; a function fails when a character costs more than 10× as much at 10,000 as
 * at 100. Minimum of several rounds, each over several inputs: a GC pause or a busy core lengthens
 * some rounds, never all of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitHtml } from '../../src/bot/split-html.js';
import { createEngine } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { escapeHtml } from '../../src/qa/render.js';
import { asYouType } from '../../src/qa/typing.js';
import { QUESTION_LOG_CHARS } from '../../src/store/question-log.js';
import { scrubPersonalData } from '../../src/store/scrub.js';
import { detectLang, finishFold, fold, foldPunctuated, simplify } from '../../src/text/normalize.js';

const { engine: cached } = openEngine();
// Without the answer cache: a cached answer would say nothing about the time to answer.
const engine = createEngine(cached.knowledge, { cacheSize: 0 }).warmUp();
// The engine's own analyzer and intents, as it calls them (private members, read for the test only).
const analyzer = engine['analyzer'];
const intents = engine['intents'];

const SMALL = 100;
const LARGE = 10_000;
/** Per-character cost at LARGE may be at most this many times that at SMALL. */
const MAX_RATIO = 10;
const ROUNDS = 5;

/** mulberry32: inputs differ from call to call (no cache hides a cost) but not from run to run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HAN = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经南沙落户要多久证明天河區發證辦';
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const pick = (r: () => number, s: string) => s[Math.floor(r() * s.length)]!;

type Make = (n: number, r: () => number) => string;
/** Random text of a script, n characters. */
const random =
  (char: (r: () => number) => string): Make =>
  (n, r) => {
    let s = '';
    while (s.length < n) s += char(r);
    return s.slice(0, n);
  };
/** A shape repeated to n characters, after one random character (so no two inputs are the same). */
const repeated =
  (unit: string): Make =>
  (n, r) =>
    (pick(r, HAN + LATIN) + unit.repeat(Math.ceil(n / unit.length))).slice(0, n);

/** A word that starts a pattern (vx, my name is), then one filler repeated to n characters: a pattern that backtracks over the filler is quadratic from that one start. */
const led =
  (word: string, filler: string): Make =>
  (n, r) =>
    (pick(r, HAN + LATIN) + word + filler.repeat(Math.ceil(n / filler.length))).slice(0, n);

const INPUTS: Record<string, Make> = {
  han: random((r) => pick(r, HAN)),
  latin: random((r) => (r() < 0.18 ? ' ' : pick(r, LATIN))),
  digits: random((r) => pick(r, '0123456789')),
  mixed: random((r) => {
    const x = r();
    return x < 0.4 ? pick(r, HAN) : x < 0.7 ? pick(r, LATIN) : x < 0.8 ? pick(r, '0123456789') : pick(r, ' ,.?!，。？@-()😀\u200b');
  }),
  'a@a.a': repeated('a@a.a'),
  '1 1 1': repeated('1 '),
  'a.a.a': repeated('a.'),
  '@@@@': repeated('@'),
  aaaa: repeated('a'),
  我叫我叫: repeated('我叫'),
  我是李我是李: repeated('我是李'),
  'my name is': repeated('my name is '),
  '1 - - 1': repeated('1 - - - - - '),
  '1    1': repeated('1     '),
  '1-1-1': repeated('1-'),
  'A123456(': repeated('A123456('),
  '138 0013 8000 ': repeated('138 0013 8000 '),
  '<b>&amp;': repeated('<b>南沙&amp;'),
  '呢 呢': repeated('呢 '),
  'vx + spaces': led('vx', ' '),
  'wechat + tabs': led('wechat', ' \t'),
  '我叫 + spaces': led('我叫', ' '),
  'my name is + spaces': led('my name is', ' '),
  '1 + tabs': led('1', '\t'),
};

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

/** Every function that reads what a user types (the engine's as it calls them). */
const FUNCTIONS: Record<string, (s: string) => unknown> = {
  scrubPersonalData: (s) => scrubPersonalData(s),
  'scrubPersonalData (question log cut)': (s) => scrubPersonalData(s, QUESTION_LOG_CHARS),
  fold: (s) => fold(s),
  foldPunctuated: (s) => foldPunctuated(s),
  finishFold: (s) => finishFold(s),
  detectLang: (s) => detectLang(s),
  simplify: (s) => simplify(s),
  'intents.classify': (s) => intents.classify(s, s),
  'intents.metaQuestion': (s) => intents.metaQuestion(s),
  'intents.pointsBack': (s) => intents.pointsBack(s),
  'intents.claim': (s) => intents.claim(s),
  'analyzer.mandarin': (s) => analyzer.mandarin(s),
  'analyzer.analyze': (s) => analyzer.analyze(analyzer.mandarin(s)),
  'analyzer.isGreeting': (s) => analyzer.isGreeting(s),
  'engine.answer': (s) => engine.answer(s),
  'engine.search': (s) => engine.search(s, 5),
  'engine.reading': (s) => engine.reading(s),
  asYouType: (s) => asYouType(engine, s, 'zh-Hans'),
  // What reaches it from a user is escaped text inside the renderer's own (balanced) tags.
  splitHtml: (s) => splitHtml(`<b>${escapeHtml(s)}</b>`),
};
/** Functions that read folded text get it folded (without fold()'s cut: they must not rely on it). */
const FOLDED = new Set(['intents.metaQuestion', 'intents.pointsBack', 'intents.claim', 'analyzer.mandarin', 'analyzer.analyze', 'analyzer.isGreeting']);

describe('linear time on user text', () => {
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    it(`${name}: a character costs at most ${MAX_RATIO}× as much at ${LARGE} characters as at ${SMALL}`, () => {
      const slow: string[] = [];
      for (const [shape, make] of Object.entries(INPUTS)) {
        const input: Make = FOLDED.has(name) ? (n, r) => finishFold(foldPunctuated(make(n, r))) : make;
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
        const input: Make = FOLDED.has(name) ? (n, r) => finishFold(foldPunctuated(make(n, r))) : make;
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
