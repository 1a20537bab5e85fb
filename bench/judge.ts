/**
 * How the benches judge one answer against a labelled question (the evaluation kit's format): right
 * (the quote holds an expected key and comes from the question's article), a wrong quote, a near miss
 * or off-topic question declined, the right sentence offered as a choice; and what a plain BM25's
 * first sentence would have answered.
 */
import MiniSearch from 'minisearch';
import * as OpenCC from 'opencc-js';
import type { Engine } from '../src/qa/engine.js';
import { render } from '../src/qa/render.js';
import { scoreFold, type EvalCase } from '../test/helpers/score.js';

/** A sentence as the baseline ranks it. */
export interface Unit {
  id: string;
  article: string;
  text: string;
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

export function bm25(engine: Engine): (q: string) => Unit | undefined {
  const units: Unit[] = engine.knowledge.articles.flatMap((a) => a.article.paragraphs.flatMap((p) => p.sentences.map((s) => ({ id: `${a.article.id}#${s.id}`, article: a.article.id, text: s.text }))));
  const index = new MiniSearch<Unit>({ fields: ['text'], storeFields: ['article', 'text'], tokenize: tokens, processTerm: (t) => t });
  index.addAll(units);
  const byId = new Map(units.map((u) => [u.id, u]));
  return (q) => {
    const hit = index.search(q)[0];
    return hit ? byId.get(String(hit.id)) : undefined;
  };
}

export interface Tally {
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

export const empty = (): Tally => ({ questions: 0, answerable: 0, right: 0, zh: [0, 0], en: [0, 0], offTopic: [0, 0], nearMiss: [0, 0], wrongQuotes: 0, offered: 0, offTopicChoices: 0, bm25: 0, misses: [] });
export const holds = (text: string, keys: string[]) => keys.some((k) => scoreFold(text).includes(scoreFold(k)));

export function judge(engine: Engine, baseline: (q: string) => Unit | undefined, articleId: string, c: EvalCase, t: Tally): void {
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

