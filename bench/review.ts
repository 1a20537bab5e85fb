/**
 * `npm run bench:review`: what one review round teaches the bot, measured on questions it was not
 * taught. For each article with two question sets written by different people (set.jsonl = A,
 * set-b.jsonl = B), every open article ingested raw beside the first, as eval:articles does:
 *
 *   1. B is scored (the engine as it ships).
 *   2. A's questions are asked as the bot asks them (engine.answer, logged by the question log the
 *      bot uses, in a fresh SQLite store). The simulated asker votes 👎 on a wrong quote and taps a
 *      "did you mean" choice that holds the answer, as a person would.
 *   3. A simulated operator reviews what waits (review.ts, the logic behind /review and `npm run
 *      review`): for a question with an expected answer, the candidate whose sentence holds it
 *      (pressing "more" until it shows, else "skip"); for a near miss or an off-topic question, "not
 *      in the article". Every press is counted.
 *   4. B is scored again, and every answer of B that became wrong is listed.
 *
 *   npm run bench:review            the table
 *   npm run bench:review -- -v      and each teaching, each B answer that changed
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from '../src/knowledge/ingest.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../src/knowledge/load.js';
import { createEngine, type Engine } from '../src/qa/engine.js';
import { questionKey } from '../src/qa/learned.js';
import { PAGE, Review } from '../src/review/review.js';
import { storeQuestionLog } from '../src/store/question-log.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { readCases, type EvalCase } from '../test/helpers/score.js';
import { bm25, empty, holds, judge, type Tally } from './judge.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures');
const ARTICLES = path.join(FIXTURES, 'articles');
const DAY_MS = 86_400_000;
const verbose = process.argv.includes('-v');

/** B's outcome per question, to list the answers that became wrong. */
function outcomes(engine: Engine, article: string, cases: EvalCase[]): Map<string, { wrong: boolean; right: boolean; text: string }> {
  const out = new Map<string, { wrong: boolean; right: boolean; text: string }>();
  for (const c of cases) {
    const t = empty();
    judge(engine, () => undefined, article, c, t);
    const r = engine.answer(c.q);
    const text = r.found ? (r.kind === 'sentence' ? r.quote : 'meta') : r.kind === 'partial' ? 'partial' : 'declined';
    // Wrong: a quote where it should decline, or a quote that does not answer.
    const wrong = t.wrongQuotes > 0;
    out.set(c.id, { wrong, right: t.right > 0 || t.nearMiss[0] > 0 || t.offTopic[0] > 0, text });
  }
  return out;
}

function score(engine: Engine, article: string, cases: EvalCase[]): Tally {
  const t = empty();
  const baseline = bm25(engine);
  for (const c of cases) judge(engine, baseline, article, c, t);
  return t;
}

interface Round {
  name: string;
  asked: number;
  reviewed: number;
  taught: number;
  declines: number;
  skipped: number;
  presses: number;
  before: Tally;
  after: Tally;
  aAfter: Tally;
  aBefore: Tally;
  becameWrong: string[];
}

async function round(name: string, articleId: string, knowledgeDir: string, a: EvalCase[], b: EvalCase[], work: string): Promise<Round> {
  const engine = createEngine(loadKnowledge(knowledgeDir), { cacheSize: 0 }).warmUp();
  const before = score(engine, articleId, b);
  const aBefore = score(engine, articleId, a);
  const beforeEach = outcomes(engine, articleId, b);
  const store = new SqliteStore(path.join(work, `${name}.sqlite`));
  try {
    const log = storeQuestionLog(store);
    for (const c of a) {
      const result = engine.answer(c.q);
      const id = log.record({ door: 'private', question: c.q, result, latencyMs: 0 });
      if (!c.expect) continue;
      if (result.found && result.kind === 'sentence' && !(result.source.articleId === articleId && holds(result.quote, c.expect))) await log.vote(id, false);
      if (!result.found) {
        const pick = result.choices.find((ch) => ch.source.articleId === articleId && holds(engine.answerSentence(ch.source.articleId, ch.sentenceId, result.lang)?.quote ?? '', c.expect!));
        if (pick) await log.pick(id, pick.source.articleId, pick.sentenceId);
      }
    }
    await log.flush();
    const review = new Review(store, engine, 30 * DAY_MS);
    const byKey = new Map(a.map((c) => [questionKey(c.q), c]));
    const r = { reviewed: 0, taught: 0, declines: 0, skipped: 0, presses: 0 };
    for (let item = (await review.waiting())[0]; item; item = (await review.waiting())[0]) {
      r.reviewed++;
      const c = byKey.get(item.key);
      if (!c?.expect) {
        // A near miss, an off-topic question, or one about the article itself (no sentence answers it).
        const verdict = c && c.expect === null ? 'decline' : 'skip';
        await review.teach(item, verdict, 'bench');
        r.presses++;
        if (verdict === 'decline') r.declines++;
        else r.skipped++;
        if (verbose) console.log(`  ${verdict.padEnd(8)} ${item.question}`);
        continue;
      }
      let taught = false;
      for (let offset = 0; ; offset += PAGE) {
        const { list, more } = await review.candidates(item, item.lang, offset);
        const hit = list.find((x) => x.article === articleId && holds(x.original, c.expect!));
        r.presses++;
        if (hit) {
          await review.teach(item, { sentence: { article: hit.article, sentence: hit.sentence } }, 'bench');
          r.taught++;
          taught = true;
          if (verbose) console.log(`  taught   ${item.question} → ${hit.text.slice(0, 40)} (page ${offset / PAGE + 1})`);
          break;
        }
        if (!more) break;
      }
      if (!taught) {
        await review.teach(item, 'skip', 'bench');
        r.skipped++;
        if (verbose) console.log(`  skip     ${item.question} (the answer among no candidate)`);
      }
    }
    const after = score(engine, articleId, b);
    const aAfter = score(engine, articleId, a);
    const afterEach = outcomes(engine, articleId, b);
    const becameWrong: string[] = [];
    for (const c of b) {
      const x = beforeEach.get(c.id)!;
      const y = afterEach.get(c.id)!;
      if (y.wrong && !x.wrong) becameWrong.push(`${c.id} ${c.q} → ${y.text.slice(0, 50)}`);
      if (verbose && x.text !== y.text) console.log(`  B ${c.id} ${c.q}\n      ${x.text.slice(0, 50)}\n    → ${y.text.slice(0, 50)}${y.right ? ' (right)' : y.wrong ? ' (WRONG)' : ''}`);
    }
    return { name, asked: a.length, ...r, before, after, aBefore, aAfter, becameWrong };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-review-'));
  try {
    const knowledge = path.join(work, 'knowledge');
    cpSync(DEFAULT_KNOWLEDGE_DIR, knowledge, { recursive: true });
    const raws = [path.join(FIXTURES, 'chengdu.raw.txt'), path.join(FIXTURES, 'shenzhen.raw.txt')];
    const folders = readdirSync(ARTICLES, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sealed' && existsSync(path.join(ARTICLES, d.name, 'raw.txt')));
    const ids = new Map<string, string>();
    for (const raw of raws) await ingest(raw, knowledge);
    for (const d of folders) ids.set(d.name, (await ingest(path.join(ARTICLES, d.name, 'raw.txt'), knowledge)).article.id);
    const rounds: Round[] = [];
    for (const d of folders) {
      const b = path.join(ARTICLES, d.name, 'set-b.jsonl');
      if (!existsSync(b)) continue;
      if (verbose) console.log(d.name);
      rounds.push(await round(d.name, ids.get(d.name)!, knowledge, readCases(path.join(ARTICLES, d.name, 'set.jsonl')), readCases(b), work));
    }
    const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)}%` : '—');
    console.log(`Review round (${new Date().toISOString().slice(0, 10)}, node ${process.version}; A asked and reviewed, B scored before → after)`);
    for (const r of rounds) {
      console.log(`\n${r.name}: A ${r.asked} questions asked, ${r.reviewed} reviewed (${r.taught} taught a sentence, ${r.declines} "not in the article", ${r.skipped} skipped)`);
      console.log(`  presses per reviewed question: ${(r.presses / Math.max(1, r.reviewed)).toFixed(2)} (${r.presses} presses)`);
      console.log(`  A right: ${r.aBefore.right}/${r.aBefore.answerable} → ${r.aAfter.right}/${r.aAfter.answerable}; near misses declined ${r.aBefore.nearMiss[0]}/${r.aBefore.nearMiss[1]} → ${r.aAfter.nearMiss[0]}/${r.aAfter.nearMiss[1]}`);
      const t = (x: Tally) =>
        `right ${x.right}/${x.answerable} ${pct(x.right, x.answerable)}, wrong quotes ${x.wrongQuotes}, near misses declined ${x.nearMiss[0]}/${x.nearMiss[1]}, off-topic declined ${x.offTopic[0]}/${x.offTopic[1]} (BM25 right ${x.bm25}/${x.answerable})`;
      console.log(`  B before: ${t(r.before)}`);
      console.log(`  B after:  ${t(r.after)}`);
      console.log(`  B answers that became wrong: ${r.becameWrong.length}${r.becameWrong.map((w) => `\n    ${w}`).join('')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
