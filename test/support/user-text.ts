/**
 * User text for timing: each script at any length, shapes that make a backtracking pattern or a
 * quadratic loop show itself, and every function that reads what a user types, called as the bot
 * calls it. Shared by test/text/linear.test.ts (growth from 100 to 10,000 characters) and
 * bench/text.ts (4,096 characters).
 */
import { splitHtml } from '../../src/bot/split-html.js';
import type { Engine } from '../../src/qa/engine.js';
import { escapeHtml } from '../../src/qa/render.js';
import { asYouType } from '../../src/qa/typing.js';
import { QUESTION_LOG_CHARS } from '../../src/store/question-log.js';
import { scrubPersonalData } from '../../src/store/scrub.js';
import { detectLang, finishFold, fold, foldPunctuated, simplify } from '../../src/text/normalize.js';

/** mulberry32: inputs differ from call to call (no cache hides a cost) but not from run to run. */
export function rng(seed: number): () => number {
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

/** n characters of some text, drawn with `r`. */
export type Make = (n: number, r: () => number) => string;

/** Random text of a script, n characters. */
const random =
  (char: (r: () => number) => string): Make =>
  (n, r) => {
    let s = '';
    while (s.length < n) s += char(r);
    return s.slice(0, n);
  };

/** A shape repeated to n characters, after one random character (so no two inputs are the same). */
export const repeated =
  (unit: string): Make =>
  (n, r) =>
    (pick(r, HAN + LATIN) + unit.repeat(Math.ceil(n / unit.length))).slice(0, n);

/** A word that starts a pattern (vx, my name is), then one filler repeated to n characters: a pattern that backtracks over the filler is quadratic from that one start. */
export const led =
  (word: string, filler: string): Make =>
  (n, r) =>
    (pick(r, HAN + LATIN) + word + filler.repeat(Math.ceil(n / filler.length))).slice(0, n);

/** Text as people write it, by script. */
export const SCRIPTS: Record<string, Make> = {
  Han: random((r) => pick(r, HAN)),
  Latin: random((r) => (r() < 0.18 ? ' ' : pick(r, LATIN))),
  digits: random((r) => pick(r, '0123456789')),
  mixed: random((r) => {
    const x = r();
    return x < 0.4 ? pick(r, HAN) : x < 0.7 ? pick(r, LATIN) : x < 0.8 ? pick(r, '0123456789') : pick(r, ' ,.?!，。？@-()😀\u200b');
  }),
};

/** Text as an attacker writes it: the shapes the patterns over user text could stumble on. */
export const SHAPES: Record<string, Make> = {
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

/** Functions that read folded text: they are timed on folded input (without fold()'s cut: they must not rely on it). */
const READS_FOLDED = new Set(['intents.metaQuestion', 'intents.pointsBack', 'intents.claim', 'analyzer.mandarin', 'analyzer.analyze', 'analyzer.isGreeting']);

/** The input a function is timed on: folded for those that read folded text. */
export const inputFor = (name: string, make: Make): Make => (READS_FOLDED.has(name) ? (n, r) => finishFold(foldPunctuated(make(n, r))) : make);

/**
 * Every function that reads what a user types, called as the bot calls it (the engine's analyzer and
 * intents are its private members, read here for timing only). Pass an engine without an answer
 * cache: a cached answer says nothing about the time to answer.
 */
export function userTextFunctions(engine: Engine): Record<string, (s: string) => unknown> {
  const analyzer = engine['parts'].analyzer;
  const intents = engine['parts'].intents;
  return {
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
}
