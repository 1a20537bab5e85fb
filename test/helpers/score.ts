/** The evaluation's scoring (../shared/eval/score.mjs), in process: script-blind substring checks. */
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import type { Engine } from '../../src/qa/engine.js';
import { render } from '../../src/qa/render.js';

const toCn = OpenCC.Converter({ from: 'hk', to: 'cn' });
const FULL: Record<string, string> = { '，': ',', '；': ';', '：': ':', '？': '?', '！': '!', '（': '(', '）': ')' };
export const scoreFold = (s: unknown): string =>
  toCn(String(s ?? '').normalize('NFKC'))
    .replace(/[，；：？！（）]/g, (c) => FULL[c]!)
    .replace(/\s+/g, '');

export interface EvalCase {
  id: string;
  lang: string;
  q: string;
  expect?: string[] | null;
  expect_reply?: string[];
  hard?: boolean;
}

export const readCases = (file: string): EvalCase[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalCase);

export interface Score {
  answered: number;
  answerable: number;
  refused: number;
  outOfScope: number;
  hardRefused: number;
  hard: number;
  attributed: number;
  found: number;
  misses: string[];
}

export function score(engine: Engine, cases: EvalCase[]): Score {
  const s: Score = { answered: 0, answerable: 0, refused: 0, outOfScope: 0, hardRefused: 0, hard: 0, attributed: 0, found: 0, misses: [] };
  for (const c of cases) {
    const result = engine.answer(c.q);
    const reply = render(result, 'text', { sources: engine.sources });
    let ok: boolean;
    if (c.expect === null) {
      ok = !result.found;
      if (c.hard) {
        s.hard++;
        s.hardRefused += Number(ok);
      } else {
        s.outOfScope++;
        s.refused += Number(ok);
      }
    } else {
      ok = true;
      if (c.expect) ok = result.found && c.expect.some((k) => scoreFold(result.found ? result.quote : '').includes(scoreFold(k)));
      if (c.expect_reply) ok = ok && c.expect_reply.some((k) => scoreFold(reply).includes(scoreFold(k)));
      s.answerable++;
      s.answered += Number(ok);
    }
    if (result.found) {
      s.found++;
      if (scoreFold(reply).includes(scoreFold('广州日报'))) s.attributed++;
    }
    if (!ok) s.misses.push(`${c.id} ${c.q}`);
  }
  return s;
}
