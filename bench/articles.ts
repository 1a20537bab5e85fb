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
import { ingest } from '../src/knowledge/ingest.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../src/knowledge/load.js';
import { createEngine } from '../src/qa/engine.js';
import { render } from '../src/qa/render.js';
import { readCases } from '../test/helpers/score.js';
import { bm25, empty, judge, type Tally } from './judge.js';

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
