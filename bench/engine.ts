/**
 * `npm run bench`: how fast the engine answers, at the real knowledge's scale and at 1,000 articles,
 * next to plain fuse.js over the same sentences, plus CLI start-up. Prints a table and, last, one JSON line.
 *
 * Heap numbers need `global.gc`: without --expose-gc the bench re-runs itself with it.
 * Everything is timed with process.hrtime.bigint(); the machine may be shared, so read medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fuse from 'fuse.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge, type ArticleKnowledge, type Knowledge } from '../src/knowledge/load.js';
import { LANGS, type Lang } from '../src/knowledge/schema.js';
import { createEngine, type Engine, type Found } from '../src/qa/engine.js';
import { asYouType } from '../src/qa/typing.js';
import { rng } from '../test/support/user-text.js';
import { benchText } from './text.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');

// ---- re-spawn with --expose-gc so heap deltas mean something -------------------------------------
const gcFn = (globalThis as { gc?: () => void }).gc;
if (typeof gcFn !== 'function') {
  if (process.env.BENCH_RESPAWNED === '1') {
    console.error('bench: --expose-gc did not take effect; heap numbers would be noise. Giving up.');
    process.exit(1);
  }
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: process.cwd(),
    env: { ...process.env, BENCH_RESPAWNED: '1' },
  });
  if (child.error) {
    console.error(`bench: could not re-spawn with --expose-gc: ${child.error.message}`);
    process.exit(1);
  }
  process.exit(child.status ?? 1);
}
const gc = gcFn;

// ---- parameters -------------------------------------------------------------------------------------
const COPIES = 1000;
const WARMUP = 500;
const QUESTIONS = 10_000;
/** fuse.js scans every sentence per query: cap it at 1,000 articles (count and time budget). */
const FUSE_BIG_MAX = 300;
const FUSE_BIG_BUDGET_MS = 25_000; // warm-up included
const FUSE_BIG_WARMUP = 3;
/**
 * Wall-clock cap on the engine's 1,000-article run so the whole bench stays near 3 minutes on a
 * 2-core machine: at ≤ 5 ms a question all 10,000 fit; a slower engine is cut short and the table
 * says how many it answered. `--full` (or BENCH_FULL=1) always runs all 10,000.
 */
const FULL = process.argv.includes('--full') || process.env.BENCH_FULL === '1';
const ENGINE_BIG_BUDGET_MS = FULL ? Infinity : 60_000;
const STARTUP_RUNS = 5;
const STARTUP_QUESTION = '南沙落户要多久';

const TARGET = {
  articleP99Ms: 0.5,
  bigP99Ms: 20,
  bigFuseRatio: 10,
  nodeAskMs: 500,
  inlineArticleP99Ms: 5,
  inlineBigP99Ms: 30,
  npmAskMs: 1500,
};

// ---- helpers ---------------------------------------------------------------------------------------

const ns2ms = (ns: bigint): number => Number(ns) / 1e6;

interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

function stats(ms: number[]): Stats {
  if (ms.length === 0) return { n: 0, p50: NaN, p99: NaN, mean: NaN, max: NaN };
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((x, y) => x + y, 0) / s.length, max: s[s.length - 1]! };
}

const median = (xs: number[]): number => stats(xs).p50;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

// ---- question pool ---------------------------------------------------------------------------------
const OUT_OF_SCOPE = [
  '今天天气怎么样',
  '今天天氣怎麼樣',
  'price of bitcoin',
  "what's the weather like today?",
  '比特币多少钱',
  '北京落户要多久',
  'how long does hukou take in Shanghai?',
  '谁赢了世界杯',
  'Who won the World Cup?',
  '推荐一家好吃的餐厅',
  'asdfghjkl',
  '你好',
  'hello',
  '',
  '   ',
  '？？？',
  '😀😀😀',
  '多少',
  'how many',
  '的的的的的的',
  '广州'.repeat(200),
  'Tell me everything about Guangzhou government reform and certificates and approvals and services '.repeat(4),
];

const PUNCT = ['？', '?', '！！', '。', '…', ' 🤔', '🙏', '，谢谢', ' pls', '??!!', '～'];
const PREFIX = ['请问', '請問', 'hi, ', '那个', '', '“', '  '];
const HAN_TYPO = [...'的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研'];
const EN_TYPO = 'abcdefghijklmnopqrstuvwxyz';

function chars(s: string): string[] {
  return [...s];
}

function perturb(q: string, r: () => number): string[] {
  const c = chars(q);
  const out: string[] = [];
  const isHan = /\p{Script=Han}/u.test(q);
  // 1. drop a character
  if (c.length > 2) {
    const i = Math.floor(r() * c.length);
    out.push([...c.slice(0, i), ...c.slice(i + 1)].join(''));
  }
  // 2. a typo: a wrong Han character, or two swapped / one wrong Latin letter
  if (c.length > 1) {
    const t = [...c];
    const i = Math.floor(r() * t.length);
    if (isHan) {
      t[i] = HAN_TYPO[Math.floor(r() * HAN_TYPO.length)]!;
    } else if (r() < 0.5 && i + 1 < t.length) {
      [t[i], t[i + 1]] = [t[i + 1]!, t[i]!];
    } else {
      t[i] = EN_TYPO[Math.floor(r() * EN_TYPO.length)]!;
    }
    out.push(t.join(''));
  }
  // 3. punctuation / emoji / filler
  out.push(`${PREFIX[Math.floor(r() * PREFIX.length)]!}${q}${PUNCT[Math.floor(r() * PUNCT.length)]!}`);
  return out;
}

function buildPool(k: Knowledge): { pool: string[]; unique: number; base: number } {
  const r = rng(20190716);
  const base: string[] = [];
  for (const a of k.articles) {
    for (const f of a.facts) base.push(...f.questions['zh-Hans'], ...f.questions['zh-Hant'], ...f.questions.en);
  }
  const all = [...base];
  for (const q of base) all.push(...perturb(q, r));
  all.push(...OUT_OF_SCOPE);
  // Deterministic shuffle so any prefix (e.g. the fuse.js subset at 1,000 articles) is representative.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return { pool: all, unique: new Set(all).size, base: base.length };
}

const cycle = (pool: string[], n: number, offset = 0): string[] => Array.from({ length: n }, (_, i) => pool[(i + offset) % pool.length]!);

// ---- synthetic 1,000-article knowledge ------------------------------------------------------------
function copyArticle(k: ArticleKnowledge, i: number): ArticleKnowledge {
  const c = structuredClone(k);
  const id = `${k.article.id}-copy-${i}`;
  c.article.id = id;
  c.article.meta.title = `${c.article.meta.title}(${i})`;
  if (c.translations) c.translations.meta.title = `${c.translations.meta.title} (${i})`;
  // Change one digit in a few sentences so no two copies are byte-identical in the text either.
  let s = 0;
  for (const p of c.article.paragraphs) {
    for (const sent of p.sentences) {
      if ((s + i) % 7 === 0) {
        const m = /\d/.exec(sent.text);
        if (m) {
          const d = (Number(m[0]) + 1 + (i % 9)) % 10;
          sent.text = sent.text.slice(0, m.index) + String(d) + sent.text.slice(m.index + 1);
        }
      }
      s++;
    }
  }
  c.facts = c.facts.map((f) => ({ ...f, id: `${f.id}-copy-${i}` }));
  return c;
}

function scaleKnowledge(k: Knowledge, copies: number): Knowledge {
  const articles: ArticleKnowledge[] = [];
  for (let i = 0; i < copies; i++) for (const a of k.articles) articles.push(copyArticle(a, i));
  return { ...k, articles, version: `${k.version}-x${copies}` };
}

// ---- measurements ----------------------------------------------------------------------------------
interface BuildResult {
  engine: Engine;
  ms: number;
  heapMb: number;
}

function buildEngine(k: Knowledge): BuildResult {
  const before = heapMb();
  const t0 = process.hrtime.bigint();
  // Built and warmed up as a long-running door does it (the pinyin index is otherwise built lazily).
  // The answer cache is off: this measures answering, not remembering (the pool repeats questions).
  const engine = createEngine(k, { cacheSize: 0 }).warmUp();
  const ms = ns2ms(process.hrtime.bigint() - t0);
  const after = heapMb();
  return { engine, ms, heapMb: after - before };
}

interface RunResult {
  stats: Stats;
  times: number[];
  found: number;
  errors: number;
  firstErrors: string[];
}

function timeCalls(
  fn: (q: string) => unknown,
  warm: string[],
  measured: string[],
  isFound: (r: unknown) => boolean,
  budgetMs = Infinity,
): RunResult & { cut: boolean } {
  const firstErrors: string[] = [];
  let errors = 0;
  const note = (q: string, e: unknown) => {
    errors++;
    if (firstErrors.length < 3) firstErrors.push(`${JSON.stringify(q.slice(0, 40))}: ${(e as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(e)}`);
  };
  // A capped run spends at most a tenth of its budget warming up.
  const warmStart = process.hrtime.bigint();
  for (const q of warm) {
    if (ns2ms(process.hrtime.bigint() - warmStart) > budgetMs / 10) break;
    try {
      fn(q);
    } catch (e) {
      note(q, e);
    }
  }
  const times: number[] = [];
  let found = 0;
  let cut = false;
  const start = process.hrtime.bigint();
  for (let i = 0; i < measured.length; i++) {
    if (i > 0 && ns2ms(process.hrtime.bigint() - start) > budgetMs) {
      cut = true;
      break;
    }
    const q = measured[i]!;
    const t0 = process.hrtime.bigint();
    let r: unknown;
    try {
      r = fn(q);
    } catch (e) {
      times.push(ns2ms(process.hrtime.bigint() - t0));
      note(q, e);
      continue;
    }
    times.push(ns2ms(process.hrtime.bigint() - t0));
    if (isFound(r)) found++;
  }
  return { stats: stats(times), times, found, errors, firstErrors, cut };
}

const engineFound = (r: unknown): boolean => (r as { found?: boolean }).found === true;
const fuseFound = (r: unknown): boolean => Array.isArray(r) && r.length > 0;

function sentencesOf(k: Knowledge): { text: string }[] {
  return k.articles.flatMap((a) => a.article.paragraphs.flatMap((p) => p.sentences.map((s) => ({ text: s.text }))));
}

function timeFuseBuild(docs: { text: string }[]): { fuse: Fuse<{ text: string }>; ms: number } {
  const t0 = process.hrtime.bigint();
  const fuse = new Fuse(docs, { keys: ['text'] });
  return { fuse, ms: ns2ms(process.hrtime.bigint() - t0) };
}

/** fuse.js at 1,000 articles: up to `max` questions or `budgetMs`, whichever comes first. */
function timeFuseBudget(fuse: Fuse<{ text: string }>, pool: string[], max: number, budgetMs: number): RunResult {
  const start = process.hrtime.bigint();
  for (const q of cycle(pool, FUSE_BIG_WARMUP, pool.length - FUSE_BIG_WARMUP)) fuse.search(q);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < max; i++) {
    if (i > 0 && ns2ms(process.hrtime.bigint() - start) > budgetMs) break;
    const q = pool[i % pool.length]!;
    const t0 = process.hrtime.bigint();
    const r = fuse.search(q);
    times.push(ns2ms(process.hrtime.bigint() - t0));
    if (r.length > 0) found++;
  }
  return { stats: stats(times), times, found, errors: 0, firstErrors: [] };
}

interface Startup {
  command: string;
  runs: number[];
  medianMs: number;
  ok: boolean;
  note: string;
}

function timeCommand(label: string, cmd: string, args: string[]): Startup {
  const runs: number[] = [];
  let ok = true;
  let note = '';
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_RESPAWNED: undefined } });
    runs.push(ns2ms(process.hrtime.bigint() - t0));
    if (r.error || r.status !== 0) {
      ok = false;
      note = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
    } else if (!note) {
      note = r.stdout.trim().split('\n')[0]?.slice(0, 60) ?? '';
    }
  }
  return { command: label, runs, medianMs: median(runs), ok, note };
}

// ---- inline typing ------------------------------------------------------------------------------------
/** Every fact phrasing of the first copy cut at 40, 60 and 80% of its characters: what is typed so far. */
interface Typed {
  text: string;
  lang: Lang;
  sentence: string;
}
function typedPool(knowledge: Knowledge): Typed[] {
  const out: Typed[] = [];
  for (const k of knowledge.articles) {
    for (const f of k.facts) {
      for (const lang of LANGS) {
        for (const q of f.questions[lang]) {
          const chars = [...q];
          for (const cut of [0.4, 0.6, 0.8]) out.push({ text: chars.slice(0, Math.max(1, Math.round(chars.length * cut))).join(''), lang, sentence: f.sentence });
        }
      }
    }
  }
  return out;
}

/** Inline answers per typed query (engine + fuse.js), and how often the fact's sentence is offered, beside the engine alone. */
function timeTyping(engine: Engine, pool: Typed[]): { stats: Stats; hit: number; engineHit: number } {
  const offers = (rs: Found[], t: Typed) => rs.some((r) => r.kind === 'sentence' && r.sentenceId === t.sentence);
  for (const t of pool.slice(0, 200)) asYouType(engine, t.text, t.lang);
  const times: number[] = [];
  let hit = 0;
  let engineHit = 0;
  for (const t of pool) {
    const t0 = process.hrtime.bigint();
    const { found } = asYouType(engine, t.text, t.lang);
    times.push(ns2ms(process.hrtime.bigint() - t0));
    if (offers(found, t)) hit++;
    if (offers(engine.search(t.text, 5), t)) engineHit++;
  }
  return { stats: stats(times), hit: hit / pool.length, engineHit: engineHit / pool.length };
}

// ---- run -------------------------------------------------------------------------------------------
/** Columns a string takes in a terminal: East Asian wide characters (Han, full-width forms) take two. */
function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - displayWidth(s)));
const padStart = (s: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(s))) + s;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? ''))));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? padEnd(cell, widths[c]!) : padStart(cell, widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function main(): void {
  const wall0 = process.hrtime.bigint();
  const log = (s: string) => process.stderr.write(`[bench ${fmt(ns2ms(process.hrtime.bigint() - wall0) / 1000, 1)}s] ${s}\n`);

  const t0 = process.hrtime.bigint();
  const knowledge = loadKnowledge(DEFAULT_KNOWLEDGE_DIR);
  const loadMs = ns2ms(process.hrtime.bigint() - t0);
  const { pool, unique, base } = buildPool(knowledge);
  const warm = cycle(pool, WARMUP);
  const measured = cycle(pool, QUESTIONS, WARMUP);
  log(`knowledge ${knowledge.version}: ${knowledge.articles.length} article(s); pool ${pool.length} questions (${base} from facts, ${unique} distinct)`);

  // 1. article scale
  const cold = buildEngine(knowledge); // first build in the process: includes building the OpenCC converters
  const warmBuilds = [buildEngine(knowledge), buildEngine(knowledge), buildEngine(knowledge)];
  const small = warmBuilds[warmBuilds.length - 1]!;
  const smallEngine = small.engine;
  log(`article scale: ${smallEngine.unitCount} units, cold build ${fmt(cold.ms, 1)} ms; answering ${QUESTIONS}`);
  const smallRun = timeCalls((q) => smallEngine.answer(q), warm, measured, engineFound);

  const smallDocs = sentencesOf(knowledge);
  const smallFuseBuild = timeFuseBuild(smallDocs);
  log(`article scale: fuse.js over ${smallDocs.length} sentences, ${QUESTIONS} questions`);
  const smallFuse = timeCalls((q) => smallFuseBuild.fuse.search(q), warm, measured, fuseFound);

  // 2. 1,000 articles
  const tScale = process.hrtime.bigint();
  const bigKnowledge = scaleKnowledge(knowledge, COPIES);
  const scaleMs = ns2ms(process.hrtime.bigint() - tScale);
  log(`built ${bigKnowledge.articles.length} synthetic articles in ${fmt(scaleMs, 0)} ms; building engine`);
  const big = buildEngine(bigKnowledge);
  log(`1,000 articles: ${big.engine.unitCount} units, build ${fmt(big.ms, 0)} ms; answering ${QUESTIONS}${FULL ? '' : ` (cut at ${ENGINE_BIG_BUDGET_MS / 1000} s; --full for all)`}`);
  const bigEngine = big.engine;
  const bigRun = timeCalls((q) => bigEngine.answer(q), warm, measured, engineFound, ENGINE_BIG_BUDGET_MS);

  const bigDocs = sentencesOf(bigKnowledge);
  const bigFuseBuild = timeFuseBuild(bigDocs);
  log(`1,000 articles: engine answered ${bigRun.stats.n}; fuse.js over ${bigDocs.length} sentences (≤ ${FUSE_BIG_MAX} questions, ≤ ${FUSE_BIG_BUDGET_MS / 1000} s)`);
  const bigFuse = timeFuseBudget(bigFuseBuild.fuse, measured, FUSE_BIG_MAX, FUSE_BIG_BUDGET_MS);
  // The engine on exactly the questions fuse.js answered (same prefix of the measured list).
  const bigEngineSubset = stats(bigRun.times.slice(0, bigFuse.stats.n));

  // 3. inline typing
  const typed = typedPool(knowledge);
  log(`inline typing: ${typed.length} cut phrasings, article scale and 1,000 articles`);
  const smallTyping = timeTyping(smallEngine, typed);
  const bigTyping = timeTyping(bigEngine, typed);

  // 4. start-up
  const askJs = path.join(ROOT, 'dist', 'cli', 'ask.js');
  log('start-up');
  const nodeAsk = existsSync(askJs) ? timeCommand(`node dist/cli/ask.js ${STARTUP_QUESTION}`, process.execPath, [askJs, STARTUP_QUESTION]) : null;
  const npmAsk = timeCommand(`npm run --silent ask -- ${STARTUP_QUESTION}`, process.platform === 'win32' ? 'npm.cmd' : 'npm', [
    'run',
    '--silent',
    'ask',
    '--',
    STARTUP_QUESTION,
  ]);

  // ---- report ----
  const ratio = (a: number, b: number) => a / b;
  const smallP99Ratio = ratio(smallFuse.stats.p99, smallRun.stats.p99);
  const smallP50Ratio = ratio(smallFuse.stats.p50, smallRun.stats.p50);
  const bigP99Ratio = ratio(bigFuse.stats.p99, bigRun.stats.p99);
  const bigP50Ratio = ratio(bigFuse.stats.p50, bigRun.stats.p50);
  const bigP99RatioSubset = ratio(bigFuse.stats.p99, bigEngineSubset.p99);
  const bigP50RatioSubset = ratio(bigFuse.stats.p50, bigEngineSubset.p50);

  const pass = {
    articleP99: smallRun.stats.p99 <= TARGET.articleP99Ms && smallRun.errors === 0,
    bigP99: bigRun.stats.p99 <= TARGET.bigP99Ms && bigRun.errors === 0,
    bigVsFuse: bigP99Ratio >= TARGET.bigFuseRatio && bigRun.errors === 0,
    npmAsk: npmAsk.ok && npmAsk.medianMs <= TARGET.npmAskMs,
    inlineArticle: smallTyping.stats.p99 <= TARGET.inlineArticleP99Ms,
    inlineBig: bigTyping.stats.p99 <= TARGET.inlineBigP99Ms,
    nodeAsk: nodeAsk !== null && nodeAsk.ok && nodeAsk.medianMs <= TARGET.nodeAskMs,
  };

  const out: string[] = [];
  out.push('');
  out.push(`Engine bench — knowledge ${knowledge.version}, node ${process.version}, ${process.platform}/${process.arch}`);
  out.push(`Question pool: ${pool.length} questions (${base} fact phrasings in 3 languages + 3 perturbations each + ${OUT_OF_SCOPE.length} out-of-scope), ${unique} distinct; warm-up ${WARMUP}, measured ${QUESTIONS} per engine run`);
  out.push(`Knowledge load: ${fmt(loadMs, 1)} ms; synthetic 1,000-article knowledge built in ${fmt(scaleMs, 0)} ms`);
  out.push('');
  out.push('Index build');
  out.push(
    table([
      ['scale', 'articles', 'sentences', 'units', 'build ms', 'heap Δ MB'],
      ['article (cold, 1st in process)', String(knowledge.articles.length), String(smallDocs.length), String(cold.engine.unitCount), fmt(cold.ms, 1), fmt(cold.heapMb, 2)],
      ['article (warm, median of 3)', String(knowledge.articles.length), String(smallDocs.length), String(smallEngine.unitCount), fmt(median(warmBuilds.map((b) => b.ms)), 1), fmt(median(warmBuilds.map((b) => b.heapMb)), 2)],
      ['1,000 articles', String(bigKnowledge.articles.length), String(bigDocs.length), String(bigEngine.unitCount), fmt(big.ms, 0), fmt(big.heapMb, 1)],
      ['fuse.js, article', '', String(smallDocs.length), '', fmt(smallFuseBuild.ms, 1), ''],
      ['fuse.js, 1,000 articles', '', String(bigDocs.length), '', fmt(bigFuseBuild.ms, 0), ''],
    ]),
  );
  out.push('');
  out.push('Per question (ms)');
  const row = (label: string, r: RunResult, extra = '') => [
    label,
    String(r.stats.n),
    fmt(r.stats.p50),
    fmt(r.stats.p99),
    fmt(r.stats.mean),
    fmt(r.stats.max, 1),
    `${fmt((100 * r.found) / Math.max(1, r.stats.n), 1)}%`,
    String(r.errors),
    extra,
  ];
  out.push(
    table([
      ['run', 'questions', 'p50', 'p99', 'mean', 'max', 'found/hit', 'errors', 'target'],
      row('engine, article', smallRun, `p99 ≤ ${TARGET.articleP99Ms} ms: ${verdict(pass.articleP99)}`),
      row('fuse.js, article', smallFuse),
      row('engine, 1,000 articles', bigRun, `p99 ≤ ${TARGET.bigP99Ms} ms: ${verdict(pass.bigP99)}${bigRun.cut ? ' (time cap: < 10,000 asked)' : ''}`),
      row(
        'fuse.js, 1,000 articles',
        bigFuse,
        `(first ${bigFuse.stats.n} of the same questions${bigFuse.stats.n < 100 ? '; few samples: p99 = max' : ''})`,
      ),
      [
        'engine, 1,000 art., same subset',
        String(bigEngineSubset.n),
        fmt(bigEngineSubset.p50),
        fmt(bigEngineSubset.p99),
        fmt(bigEngineSubset.mean),
        fmt(bigEngineSubset.max, 1),
        '',
        '',
        '',
      ],
    ]),
  );
  out.push('');
  out.push('fuse.js ÷ engine (higher = engine faster)');
  out.push(
    table([
      ['scale', 'p50 ratio', 'p99 ratio', 'target'],
      ['article', `${fmt(smallP50Ratio, 1)}×`, `${fmt(smallP99Ratio, 1)}×`, ''],
      ['1,000 articles', `${fmt(bigP50Ratio, 1)}×`, `${fmt(bigP99Ratio, 1)}×`, `p99 ratio ≥ ${TARGET.bigFuseRatio}×: ${verdict(pass.bigVsFuse)}`],
      ['1,000 articles, same subset', `${fmt(bigP50RatioSubset, 1)}×`, `${fmt(bigP99RatioSubset, 1)}×`, '(engine over the fuse questions only)'],
    ]),
  );
  out.push('');
  out.push('Inline typing (ms per query: engine answers + fuse.js over the phrasings; hit: the fact\'s sentence among the cards)');
  const pct = (x: number) => `${fmt(100 * x, 1)}%`;
  out.push(
    table([
      ['scale', 'queries', 'p50', 'p99', 'max', 'hit', 'engine alone', 'target'],
      ['article', String(smallTyping.stats.n), fmt(smallTyping.stats.p50), fmt(smallTyping.stats.p99), fmt(smallTyping.stats.max, 1), pct(smallTyping.hit), pct(smallTyping.engineHit), `p99 ≤ ${TARGET.inlineArticleP99Ms} ms: ${verdict(pass.inlineArticle)}`],
      ['1,000 articles', String(bigTyping.stats.n), fmt(bigTyping.stats.p50), fmt(bigTyping.stats.p99), fmt(bigTyping.stats.max, 1), pct(bigTyping.hit), pct(bigTyping.engineHit), `p99 ≤ ${TARGET.inlineBigP99Ms} ms: ${verdict(pass.inlineBig)}`],
    ]),
  );
  out.push('');
  out.push(`Start-up (${STARTUP_RUNS} runs, median; includes process spawn)`);
  const startRows: string[][] = [['command', 'median ms', 'runs ms', 'target']];
  if (nodeAsk) {
    startRows.push([
      nodeAsk.command,
      nodeAsk.ok ? fmt(nodeAsk.medianMs, 0) : 'FAILED',
      nodeAsk.runs.map((x) => fmt(x, 0)).join(' '),
      `≤ ${TARGET.nodeAskMs} ms: ${verdict(pass.nodeAsk)}`,
    ]);
  }
  else startRows.push(['node dist/cli/ask.js', 'skipped', 'dist/cli/ask.js missing (npm run build)', '']);
  startRows.push([
    npmAsk.command,
    npmAsk.ok ? fmt(npmAsk.medianMs, 0) : 'FAILED',
    npmAsk.runs.map((x) => fmt(x, 0)).join(' '),
    `≤ ${TARGET.npmAskMs} ms: ${verdict(pass.npmAsk)}`,
  ]);
  out.push(table(startRows));
  if (nodeAsk && !nodeAsk.ok) out.push(`  node ask failed: ${nodeAsk.note}`);
  if (!npmAsk.ok) out.push(`  npm ask failed: ${npmAsk.note}`);
  for (const [label, r] of [
    ['engine, article', smallRun],
    ['engine, 1,000 articles', bigRun],
    ['fuse.js, article', smallFuse],
  ] as const) {
    if (r.errors > 0) {
      out.push('');
      out.push(`!! ${label}: answer() threw ${r.errors} time(s); first:`);
      for (const e of r.firstErrors) out.push(`   ${e}`);
    }
  }
  const totalS = ns2ms(process.hrtime.bigint() - wall0) / 1000;
  if (bigRun.cut) {
    out.push('');
    out.push(
      `Note: the 1,000-article engine run hit its ${ENGINE_BIG_BUDGET_MS / 1000} s cap after ${bigRun.stats.n} of ${QUESTIONS} questions (mean ${fmt(bigRun.stats.mean, 1)} ms); \`npm run bench -- --full\` asks all ${QUESTIONS}.`,
    );
  }
  // User text at 4,096 characters per script: no message may hold up the others (bench/text.ts).
  log('user text: every function that reads it, 4,096 characters per script');
  const text = benchText(smallEngine);
  out.push('');
  out.push(...text.lines);
  out.push('');
  out.push(`Total bench time ${fmt(totalS, 1)} s. Machine may be shared: rerun before trusting a single p99.`);
  console.log(out.join('\n'));

  const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const s3 = (s: Stats) => ({ n: s.n, p50: r3(s.p50), p99: r3(s.p99), mean: r3(s.mean), max: r3(s.max) });
  const json = {
    bench: 'engine',
    knowledgeVersion: knowledge.version,
    node: process.version,
    pool: { size: pool.length, distinct: unique, fromFacts: base, warmup: WARMUP, measured: QUESTIONS },
    article: {
      articles: knowledge.articles.length,
      sentences: smallDocs.length,
      units: smallEngine.unitCount,
      buildMsCold: r3(cold.ms),
      heapMbCold: r3(cold.heapMb),
      buildMs: r3(median(warmBuilds.map((b) => b.ms))),
      heapMb: r3(median(warmBuilds.map((b) => b.heapMb))),
      engine: { ...s3(smallRun.stats), found: smallRun.found, errors: smallRun.errors },
      fuse: { buildMs: r3(smallFuseBuild.ms), ...s3(smallFuse.stats), hits: smallFuse.found, errors: smallFuse.errors },
      ratio: { p50: r3(smallP50Ratio), p99: r3(smallP99Ratio) },
    },
    thousand: {
      articles: bigKnowledge.articles.length,
      sentences: bigDocs.length,
      units: bigEngine.unitCount,
      buildMs: r3(big.ms),
      heapMb: r3(big.heapMb),
      engine: { ...s3(bigRun.stats), found: bigRun.found, errors: bigRun.errors, cutByTimeBudget: bigRun.cut },
      engineSameSubset: s3(bigEngineSubset),
      fuse: { buildMs: r3(bigFuseBuild.ms), ...s3(bigFuse.stats), hits: bigFuse.found },
      ratio: { p50: r3(bigP50Ratio), p99: r3(bigP99Ratio), p50SameSubset: r3(bigP50RatioSubset), p99SameSubset: r3(bigP99RatioSubset) },
    },
    inline: {
      queries: typed.length,
      article: { ...s3(smallTyping.stats), hit: r3(smallTyping.hit), engineHit: r3(smallTyping.engineHit) },
      thousand: { ...s3(bigTyping.stats), hit: r3(bigTyping.hit), engineHit: r3(bigTyping.engineHit) },
    },
    startup: {
      nodeAsk: nodeAsk ? { medianMs: r3(nodeAsk.medianMs), runs: nodeAsk.runs.map(r3), ok: nodeAsk.ok } : null,
      npmAsk: { medianMs: r3(npmAsk.medianMs), runs: npmAsk.runs.map(r3), ok: npmAsk.ok },
    },
    text: text.json,
    targets: TARGET,
    pass,
    totalSeconds: r3(totalS),
  };
  console.log(JSON.stringify(json));
}

main();
