/**
 * How long each function that reads user text takes on 4,096 characters of each script and of
 * adversarial shapes (the part of `npm run bench` that guards against one message freezing the bot),
 * next to the plain NFKC normalisation of the same input, timed in the same run. Called at the end
 * of bench/engine.ts; alone: `node --import tsx bench/text.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../src/qa/engine.js';
import { openEngine } from '../src/qa/open-engine.js';
import { inputFor, rng, SCRIPTS, SHAPES, userTextFunctions, type Make } from '../test/support/user-text.js';

const CHARS = 4_096;
/** Fresh inputs per function and script: the median is read (the machine may be shared). */
const RUNS = 9;
const TARGET_MS = 5;

function medianMs(f: (s: string) => unknown, make: Make, seed: number): number {
  const r = rng(seed);
  f(make(CHARS, r));
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = make(CHARS, r);
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
  // The baseline first: NFKC of the same input, the least any function reading it does.
  const fns: Record<string, (s: string) => unknown> = { 'NFKC (baseline)': (s) => s.normalize('NFKC'), ...userTextFunctions(uncached) };
  const ms: Record<string, Record<string, number>> = {};
  const worst: Record<string, string> = {};
  let slowest = { fn: '', input: '', ms: -1 };
  for (const [name, f] of Object.entries(fns)) {
    const row: Record<string, number> = {};
    for (const [script, make] of Object.entries(SCRIPTS)) row[script] = medianMs(f, inputFor(name, make), 1);
    // The adversarial column is the slowest of the shapes for each function.
    let adversarial = -1;
    for (const [shape, make] of Object.entries(SHAPES)) {
      const t = medianMs(f, inputFor(name, make), 2);
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
