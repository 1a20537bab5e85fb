/**
 * How long each function that reads user text takes on 4,096 characters of each script and of
 * adversarial shapes (the part of `npm run bench` that guards against one message freezing the bot),
 * next to the plain NFKC normalisation of the same input, timed in the same run. Called at the end
 * of bench/engine.ts; alone: `node --import tsx bench/text.ts`.
 */
import { fileURLToPath } from 'node:url';
import { splitHtml } from '../src/bot/split-html.js';
import { createEngine, type Engine } from '../src/qa/engine.js';
import { openEngine } from '../src/qa/open-engine.js';
import { escapeHtml } from '../src/qa/render.js';
import { asYouType } from '../src/qa/typing.js';
import { QUESTION_LOG_CHARS } from '../src/store/question-log.js';
import { scrubPersonalData } from '../src/store/scrub.js';
import { detectLang, finishFold, fold, foldPunctuated, simplify } from '../src/text/normalize.js';

const CHARS = 4_096;
/** Fresh inputs per function and script: the median is read (the machine may be shared). */
const RUNS = 9;
const TARGET_MS = 5;

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
type Make = (r: () => number) => string;
const random = (char: (r: () => number) => string): Make => (r) => {
  let s = '';
  while (s.length < CHARS) s += char(r);
  return s.slice(0, CHARS);
};
const repeated = (unit: string): Make => (r) => (pick(r, HAN + LATIN) + unit.repeat(Math.ceil(CHARS / unit.length))).slice(0, CHARS);

const SCRIPTS: Record<string, Make> = {
  Han: random((r) => pick(r, HAN)),
  Latin: random((r) => (r() < 0.18 ? ' ' : pick(r, LATIN))),
  digits: random((r) => pick(r, '0123456789')),
  mixed: random((r) => {
    const x = r();
    return x < 0.4 ? pick(r, HAN) : x < 0.7 ? pick(r, LATIN) : x < 0.8 ? pick(r, '0123456789') : pick(r, ' ,.?!，。？@-()😀');
  }),
};
/** The adversarial column is the slowest of these for each function. */
const ADVERSARIAL: Record<string, Make> = {
  'a@a.a': repeated('a@a.a'),
  '1 1 1': repeated('1 '),
  'a.a.a': repeated('a.'),
  '@@@@': repeated('@'),
  aaaa: repeated('a'),
  我叫我叫: repeated('我叫'),
  '1 - - 1': repeated('1 - - - - - '),
  '138 0013 8000': repeated('138 0013 8000 '),
  'A123456(': repeated('A123456('),
};

function functions(engine: Engine): Record<string, (s: string) => unknown> {
  const analyzer = engine['analyzer'];
  const intents = engine['intents'];
  return {
    'NFKC (baseline)': (s) => s.normalize('NFKC'),
    scrubPersonalData: (s) => scrubPersonalData(s),
    'scrub, log cut': (s) => scrubPersonalData(s, QUESTION_LOG_CHARS),
    fold: (s) => fold(s),
    foldPunctuated: (s) => foldPunctuated(s),
    detectLang: (s) => detectLang(s),
    simplify: (s) => simplify(s),
    'intents.classify': (s) => intents.classify(s, finishFold(foldPunctuated(s))),
    'analyzer.analyze': (s) => analyzer.analyze(analyzer.mandarin(finishFold(foldPunctuated(s)))),
    'engine.answer': (s) => engine.answer(s),
    'engine.search': (s) => engine.search(s, 5),
    asYouType: (s) => asYouType(engine, s, 'zh-Hans'),
    splitHtml: (s) => splitHtml(`<b>${escapeHtml(s)}</b>`),
  };
}

function medianMs(f: (s: string) => unknown, make: Make, seed: number): number {
  const r = rng(seed);
  f(make(r));
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = make(r);
    const t0 = process.hrtime.bigint();
    f(s);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface TextBench {
  lines: string[];
  json: { chars: number; targetMs: number; ms: Record<string, Record<string, number>>; slowest: { fn: string; input: string; ms: number }; pass: boolean };
}

/** @param engine any engine: an uncached copy of it is timed (a cached answer says nothing). */
export function benchText(engine: Engine): TextBench {
  const uncached = createEngine(engine.knowledge, { cacheSize: 0 }).warmUp();
  const fns = functions(uncached);
  const ms: Record<string, Record<string, number>> = {};
  const worst: Record<string, string> = {};
  let slowest = { fn: '', input: '', ms: -1 };
  for (const [name, f] of Object.entries(fns)) {
    const row: Record<string, number> = {};
    for (const [script, make] of Object.entries(SCRIPTS)) row[script] = medianMs(f, make, 1);
    let adversarial = -1;
    for (const [shape, make] of Object.entries(ADVERSARIAL)) {
      const t = medianMs(f, make, 2);
      if (t > adversarial) {
        adversarial = t;
        worst[name] = shape;
      }
    }
    row.adversarial = adversarial;
    ms[name] = row;
    if (name.includes('baseline')) continue;
    for (const [input, t] of Object.entries(row)) if (t > slowest.ms) slowest = { fn: name, input: input === 'adversarial' ? `adversarial (${worst[name]})` : input, ms: t };
  }
  const columns = [...Object.keys(SCRIPTS), 'adversarial'];
  const base = ms['NFKC (baseline)']!;
  const cell = (name: string, c: string) => {
    const t = ms[name]![c]!;
    return name.includes('baseline') ? `${t.toFixed(3)}` : `${t.toFixed(3)} (×${(t / Math.max(base[c]!, 0.001)).toFixed(0)})`;
  };
  const rows = [['function', ...columns, 'worst shape'], ...Object.keys(ms).map((name) => [name, ...columns.map((c) => cell(name, c)), worst[name] ?? ''])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length + (r[i]!.match(/\p{Script=Han}/gu)?.length ?? 0))));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length - (s.match(/\p{Script=Han}/gu)?.length ?? 0)));
  const pass = slowest.ms <= TARGET_MS;
  const lines = [
    `User text, ${CHARS} characters: median ms of ${RUNS} fresh inputs (× the NFKC of the same input, timed in this run)`,
    ...rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ')),
    `Slowest: ${slowest.fn} on ${slowest.input}, ${slowest.ms.toFixed(3)} ms (target ≤ ${TARGET_MS} ms) ${pass ? 'PASS' : 'FAIL'}`,
  ];
  return { lines, json: { chars: CHARS, targetMs: TARGET_MS, ms, slowest, pass } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { engine } = openEngine();
  console.log(benchText(engine.warmUp()).lines.join('\n'));
}
