/**
 * `npm run eval:articles`: answer quality per article, not per question set. Every article is
 * ingested raw beside the first (which keeps its facts and translations), as an operator would, into
 * a temporary knowledge folder; each article's question sets are then asked of the engine with every
 * article loaded, and of a plain BM25 over the same sentences (MiniSearch, Han character bigrams and
 * Latin words, text folded to Simplified) in the same run.
 *
 * Per article: right answers (the quote holds an expected key and comes from that article) over the
 * answerable questions, Chinese and English apart; off-topic questions declined; near misses
 * declined or answered as partial; wrong quotes (a quote that does not answer, or any quote for a
 * question that should be declined) as a share of all questions; what BM25's first sentence answers.
 *
 *   npm run eval:articles                  the open articles
 *   npm run eval:articles -- --sealed      the sealed ones too (score them once, when a change is done)
 *   npm run eval:articles -- --json        one JSON line instead of the table
 *   npm run eval:articles -- -v            every miss
 *
 * The articles and sets live in test/fixtures/articles/<id>/ (raw.txt, set.jsonl) and
 * test/fixtures/articles/sealed/<id>/; the first article's sets are the evaluation kit's dev set
 * (../shared/eval) and the ones in test/fixtures.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import * as OpenCC from 'opencc-js';
import { ingest } from '../src/knowledge/ingest.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../src/knowledge/load.js';
import { createEngine, type Engine } from '../src/qa/engine.js';
import { render } from '../src/qa/render.js';
import { readCases, scoreFold, type EvalCase } from '../test/helpers/score.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures');
const ARTICLES = path.join(FIXTURES, 'articles');
const KIT = path.resolve(ROOT, '../shared/eval');
const FIRST = 'guangzhou-daily-2019-07-16';

interface Entry {
  /** A label for the table. */
  name: string;
  /** The raw file to ingest; undefined: the article is in knowledge/ already. */
  raw?: string;
  /** Its question sets (JSONL, the evaluation kit's format). */
  sets: string[];
  sealed: boolean;
}

/** The articles and their sets: the first, the two older fixtures, and every folder under test/fixtures/articles. */
function entries(withSealed: boolean): Entry[] {
  const first = ['dev', 'extra', 'extra2', 'extra3', 'extra4', ...Array.from({ length: 11 }, (_, i) => `blind${i + 1}`)].map((s) => path.join(FIXTURES, `${s}.jsonl`));
  if (existsSync(path.join(KIT, 'dev.jsonl'))) first.unshift(path.join(KIT, 'dev.jsonl'));
  const out: Entry[] = [
    { name: FIRST, sets: first, sealed: false },
    { name: 'chengdu', raw: path.join(FIXTURES, 'chengdu.raw.txt'), sets: [path.join(FIXTURES, 'chengdu.jsonl')], sealed: false },
    { name: 'shenzhen', raw: path.join(FIXTURES, 'shenzhen.raw.txt'), sets: [path.join(FIXTURES, 'shenzhen.jsonl')], sealed: false },
  ];
  const folders = (dir: string, sealed: boolean) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && d.name !== 'sealed' && existsSync(path.join(dir, d.name, 'raw.txt')))
          .map((d) => ({ name: d.name, raw: path.join(dir, d.name, 'raw.txt'), sets: [path.join(dir, d.name, 'set.jsonl')].filter(existsSync), sealed }))
      : [];
  out.push(...folders(ARTICLES, false));
  if (withSealed) out.push(...folders(path.join(ARTICLES, 'sealed'), true));
  return out;
}

// ---- the baseline: plain BM25 over the same sentences -------------------------------------------

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
/** Han character bigrams (and single characters of a one-character run), Latin words and numbers. */
function tokens(text: string): string[] {
  const folded = toSimplified(text.normalize('NFKC').toLowerCase());
  const out: string[] = [];
  for (const run of folded.match(/\p{Script=Han}+|[a-z0-9]+/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run)) out.push(run);
    else if (run.length === 1) out.push(run);
    else for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

interface Unit {
  id: string;
  article: string;
  text: string;
}

function bm25(engine: Engine): (q: string) => Unit | undefined {
  const units: Unit[] = engine.knowledge.articles.flatMap((a) => a.article.paragraphs.flatMap((p) => p.sentences.map((s) => ({ id: `${a.article.id}#${s.id}`, article: a.article.id, text: s.text }))));
  const index = new MiniSearch<Unit>({ fields: ['text'], storeFields: ['article', 'text'], tokenize: tokens, processTerm: (t) => t });
  index.addAll(units);
  const byId = new Map(units.map((u) => [u.id, u]));
  return (q) => {
    const hit = index.search(q)[0];
    return hit ? byId.get(String(hit.id)) : undefined;
  };
}

// ---- judging ------------------------------------------------------------------------------------

interface Tally {
  questions: number;
  answerable: number;
  right: number;
  zh: [number, number];
  en: [number, number];
  offTopic: [number, number];
  nearMiss: [number, number];
  wrongQuotes: number;
  /** Answerable questions answered right or with the right sentence among the "did you mean" choices. */
  offered: number;
  /** Off-topic questions that were offered choices all the same. */
  offTopicChoices: number;
  bm25: number;
  misses: string[];
}

const empty = (): Tally => ({ questions: 0, answerable: 0, right: 0, zh: [0, 0], en: [0, 0], offTopic: [0, 0], nearMiss: [0, 0], wrongQuotes: 0, offered: 0, offTopicChoices: 0, bm25: 0, misses: [] });
const holds = (text: string, keys: string[]) => keys.some((k) => scoreFold(text).includes(scoreFold(k)));

function judge(engine: Engine, baseline: (q: string) => Unit | undefined, articleId: string, c: EvalCase, t: Tally): void {
  t.questions++;
  const r = engine.answer(c.q);
  const reply = render(r, 'text', { sources: engine.sources });
  const quote = r.found && r.kind === 'sentence' ? r.quote : '';
  if (c.expect === null) {
    const declined = !r.found;
    const pair = c.hard ? t.nearMiss : t.offTopic;
    pair[0] += Number(declined);
    pair[1]++;
    if (!c.hard && !r.found && r.choices.length) t.offTopicChoices++;
    if (!declined) {
      t.wrongQuotes += Number(r.kind === 'sentence');
      t.misses.push(`${c.id} [${c.lang}] ${c.q}\n    → should decline, got ${quote.slice(0, 60) || reply.slice(0, 60)}`);
    }
    return;
  }
  t.answerable++;
  // Right: the quote (or, for a question about the article itself, the reply) holds an expected key,
  // and a quote comes from this set's article.
  let ok = r.found && (!c.expect || holds(r.kind === 'sentence' ? quote : reply, c.expect));
  if (ok && r.found && r.kind === 'sentence' && r.source.articleId !== articleId) ok = false;
  if (c.expect_reply) ok = ok && holds(reply, c.expect_reply);
  t.right += Number(ok);
  const offered = !r.found && c.expect && r.choices.some((ch) => ch.source.articleId === articleId && holds(engine.answerSentence(ch.source.articleId, ch.sentenceId, r.lang)?.quote ?? '', c.expect!));
  t.offered += Number(ok || Boolean(offered));
  const lang = c.lang === 'en' ? t.en : t.zh;
  lang[0] += Number(ok);
  lang[1]++;
  if (!ok && r.found && r.kind === 'sentence') t.wrongQuotes++;
  if (!ok) t.misses.push(`${c.id} [${c.lang}] ${c.q}\n    → ${r.found ? (quote || reply).slice(0, 70) : `declined (${r.kind === 'partial' ? 'partial' : r.reason})`}`);
  const top = baseline(c.q);
  if (top && c.expect && top.article === articleId && holds(top.text, c.expect)) t.bm25++;
}

// ---- main ---------------------------------------------------------------------------------------

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');
const frac = ([a, b]: [number, number]) => (b ? `${a}/${b}` : '—');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const list = entries(args.includes('--sealed'));
  const work = mkdtempSync(path.join(tmpdir(), 'eval-articles-'));
  try {
    const knowledge = path.join(work, 'knowledge');
    cpSync(DEFAULT_KNOWLEDGE_DIR, knowledge, { recursive: true });
    const ids = new Map<string, string>([[FIRST, FIRST]]);
    for (const e of list) {
      if (!e.raw) continue;
      const result = await ingest(e.raw, knowledge);
      ids.set(e.name, result.article.id);
    }
    const engine = createEngine(loadKnowledge(knowledge), { cacheSize: 0 }).warmUp();
    const baseline = bm25(engine);
    const rows: { name: string; sealed: boolean; t: Tally }[] = [];
    for (const e of list) {
      const t = empty();
      for (const set of e.sets) for (const c of readCases(set)) judge(engine, baseline, ids.get(e.name)!, c, t);
      rows.push({ name: e.name, sealed: e.sealed, t });
    }
    if (args.includes('--json')) {
      console.log(JSON.stringify({ eval: 'articles', knowledge: engine.version, articles: rows.map(({ name, sealed, t }) => ({ name, sealed, ...t, misses: t.misses.length })) }));
      return;
    }
    const header = ['article', 'questions', 'right', 'Chinese', 'English', 'off-topic declined', 'near misses declined', 'wrong quotes', 'answered or offered', 'off-topic offered', 'BM25 right'];
    const table = rows.map(({ name, sealed, t }) => [
      `${name}${sealed ? ' (sealed)' : ''}`,
      String(t.questions),
      `${t.right}/${t.answerable} ${pct(t.right, t.answerable)}`,
      frac(t.zh),
      frac(t.en),
      frac(t.offTopic),
      frac(t.nearMiss),
      `${t.wrongQuotes} ${pct(t.wrongQuotes, t.questions)}`,
      `${t.offered}/${t.answerable} ${pct(t.offered, t.answerable)}`,
      frac([t.offTopicChoices, t.offTopic[1]]),
      `${t.bm25}/${t.answerable} ${pct(t.bm25, t.answerable)}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(`Answers per article (knowledge ${engine.version}, every article loaded; BM25: MiniSearch over the same sentences)`);
    console.log(line(header));
    for (const r of table) console.log(line(r));
    if (args.includes('-v')) for (const { name, t } of rows) for (const m of t.misses) console.log(`MISS ${name} ${m}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
