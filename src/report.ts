/**
 * The operator's report over the question log (`npm run report`): totals by outcome, door and
 * language; the most asked questions (grouped by their folded form, so 南沙落戶要多久 and 南沙落户要多久
 * count together) and what they got; the declined and partial questions ranked by count (the to-do
 * list for new facts and phrasings); the answers voted 👎 with the sentence they quoted; the "did
 * you mean" choices askers picked, each with the question it answered (a phrasing the engine missed);
 * what operators taught, and what each teaching has answered since.
 */
import type { Engine } from './qa/engine.js';
import { questionKey } from './qa/learned.js';
import type { LogRow, TeachingRow } from './store/store.js';
import { fold } from './text/normalize.js';

const TOP = 20;
export const DAY_MS = 86_400_000;
const UNITS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

export interface Group {
  question: string;
  count: number;
}

export interface Report {
  since: string;
  until: string;
  total: number;
  by_outcome: Record<string, number>;
  by_door: Record<string, number>;
  by_lang: Record<string, number>;
  top_questions: (Group & { outcome: string; sentence: string | null })[];
  declined_questions: Group[];
  partial_questions: Group[];
  feedback: { up: number; down: number; down_questions: (Group & { quote: string | null })[] };
  /** Questions whose asker picked a "did you mean" choice, and the sentence picked. */
  picks: { privateUnanswered: number; picked: number; questions: (Group & { article: string; sentence: string; quote: string | null })[] };
  /**
   * What operators taught (/review, `npm run review`): how many of each kind; each learned phrasing
   * or decline with the questions it has answered since; the share of questions about the articles
   * declined or answered in part before the first teaching and since.
   */
  learned: {
    taught: { phrasing: number; decline: number; skip: number };
    teachings: { question: string; kind: 'phrasing' | 'decline'; article: string | null; sentence: string | null; at: string; answered: number }[];
    unansweredShare: { before: number | null; since: number | null };
  };
}

const tally = (rows: LogRow[], key: (r: LogRow) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
};

/** Rows grouped by their folded question, most asked first; each shown as its most frequent wording. */
function groups(rows: LogRow[]): { question: string; count: number; rows: LogRow[] }[] {
  const byFold = new Map<string, LogRow[]>();
  for (const r of rows) {
    const key = fold(r.question).replace(/ /g, '') || r.question;
    byFold.set(key, [...(byFold.get(key) ?? []), r]);
  }
  return [...byFold.values()]
    .map((list) => {
      const wordings = tally(list, (r) => r.question);
      const question = Object.entries(wordings).sort((a, b) => b[1] - a[1])[0]![0];
      return { question, count: list.length, rows: list };
    })
    .sort((a, b) => b.count - a.count || a.question.localeCompare(b.question));
}

const most = (rows: LogRow[], key: (r: LogRow) => string | undefined): string | null =>
  Object.entries(tally(rows.filter((r) => key(r) !== undefined), (r) => key(r)!)).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;

/** The sentence a logged answer quoted, from the knowledge (null when the article is gone). */
function quoteOf(engine: Engine | undefined, row: { article?: string | undefined; sentence?: string | undefined }): string | null {
  if (!engine || !row.article || !row.sentence) return null;
  return engine.paragraphOf(row.article, row.sentence)?.sentences.find((s) => s.quoted)?.text ?? null;
}

/** Of the questions about the articles (not greetings or help), the share declined or answered in part. */
function unansweredShare(rows: LogRow[]): number | null {
  const asked = rows.filter((r) => r.outcome === 'answered' || r.outcome === 'partial' || r.outcome === 'declined');
  return asked.length ? Math.round((1000 * asked.filter((r) => r.outcome !== 'answered').length) / asked.length) / 1000 : null;
}

function learnedSection(rows: LogRow[], teachings: TeachingRow[]): Report['learned'] {
  const first = teachings.length ? Math.min(...teachings.map((t) => t.at)) : undefined;
  const learnedRows = rows.filter((r) => r.learned);
  return {
    taught: {
      phrasing: teachings.filter((t) => t.kind === 'phrasing').length,
      decline: teachings.filter((t) => t.kind === 'decline').length,
      skip: teachings.filter((t) => t.kind === 'skip').length,
    },
    teachings: teachings
      .filter((t): t is TeachingRow & { kind: 'phrasing' | 'decline' } => t.kind !== 'skip')
      .map((t) => ({
        question: t.question,
        kind: t.kind,
        article: t.article,
        sentence: t.sentence,
        at: new Date(t.at).toISOString(),
        // A phrasing answers its own question and others worded like it (the same sentence); a decline, its question.
        answered: learnedRows.filter((r) => r.at >= t.at && (t.kind === 'phrasing' ? r.article === t.article && r.sentence === t.sentence : questionKey(r.question) === t.key)).length,
      }))
      .sort((a, b) => b.answered - a.answered),
    unansweredShare: {
      before: unansweredShare(first === undefined ? rows : rows.filter((r) => r.at < first)),
      since: first === undefined ? null : unansweredShare(rows.filter((r) => r.at >= first)),
    },
  };
}

export function buildReport(rows: LogRow[], since: number, until: number, engine?: Engine, teachings: TeachingRow[] = []): Report {
  const grouped = groups(rows);
  const of = (outcome: string) => groups(rows.filter((r) => r.outcome === outcome)).slice(0, TOP).map(({ question, count }) => ({ question, count }));
  const down = rows.filter((r) => r.vote === -1);
  const picked = rows.filter((r) => r.picked);
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    total: rows.length,
    by_outcome: tally(rows, (r) => r.outcome),
    by_door: tally(rows, (r) => r.door),
    by_lang: tally(rows, (r) => r.lang),
    top_questions: grouped.slice(0, TOP).map((g) => ({ question: g.question, count: g.count, outcome: most(g.rows, (r) => r.outcome)!, sentence: most(g.rows, (r) => r.sentence) })),
    declined_questions: of('declined'),
    partial_questions: of('partial'),
    feedback: {
      up: rows.filter((r) => r.vote === 1).length,
      down: down.length,
      down_questions: groups(down)
        .slice(0, TOP)
        .map((g) => ({ question: g.question, count: g.count, quote: quoteOf(engine, g.rows[0]!) })),
    },
    picks: {
      privateUnanswered: rows.filter((r) => r.door === 'private' && (r.outcome === 'declined' || r.outcome === 'partial')).length,
      picked: picked.length,
      questions: groups(picked)
        .slice(0, TOP)
        .map((g) => ({ question: g.question, count: g.count, ...g.rows[0]!.picked!, quote: quoteOf(engine, g.rows[0]!.picked!) })),
    },
    learned: learnedSection(rows, teachings),
  };
}

const share = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);

/** The report as a person reads it. */
export function reportText(r: Report): string {
  const line = (rec: Record<string, number>) =>
    Object.entries(rec)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '—';
  const list = (items: Group[], extra: (g: never) => string = () => '') =>
    items.length ? items.map((g, i) => `  ${String(i + 1).padStart(2)}. ${g.question}  ×${g.count}${extra(g as never)}`).join('\n') : '  (none)';
  return [
    `Questions ${r.since.slice(0, 10)} – ${r.until.slice(0, 10)}: ${r.total}`,
    `  by outcome: ${line(r.by_outcome)}`,
    `  by door: ${line(r.by_door)}`,
    `  by language: ${line(r.by_lang)}`,
    '',
    'Most asked (what they got):',
    list(r.top_questions, (g: Report['top_questions'][number]) => `  → ${g.outcome}${g.sentence ? ` ${g.sentence}` : ''}`),
    '',
    'Declined — candidates for new facts or phrasings:',
    list(r.declined_questions),
    '',
    'Partial — the article names the subject but not what was asked:',
    list(r.partial_questions),
    '',
    `Votes: 👍 ${r.feedback.up}, 👎 ${r.feedback.down}`,
    list(r.feedback.down_questions, (g: Report['feedback']['down_questions'][number]) => (g.quote ? `\n      got: ${g.quote}` : '')),
    '',
    `"Did you mean" picks: ${r.picks.picked} (of ${r.picks.privateUnanswered} declined or partial in private chats) — phrasings the engine missed:`,
    list(r.picks.questions, (g: Report['picks']['questions'][number]) => `\n      picked: ${g.quote ?? `${g.article} ${g.sentence}`}`),
    '',
    `Taught (/review, npm run review): ${r.learned.taught.phrasing} phrasings, ${r.learned.taught.decline} "not in the article", ${r.learned.taught.skip} skipped`,
    `  declined or partial: ${share(r.learned.unansweredShare.before)} before the first teaching, ${share(r.learned.unansweredShare.since)} since`,
    ...(r.learned.teachings.length
      ? r.learned.teachings.slice(0, TOP).map((t, i) => `  ${String(i + 1).padStart(2)}. ${t.question}  → ${t.kind === 'phrasing' ? `${t.article} ${t.sentence}` : 'not in the article'}, answered ${t.answered} since ${t.at.slice(0, 10)}`)
      : ['  (none)']),
  ].join('\n');
}

/** "7d", "24h", "2w" → milliseconds; undefined for anything else. */
export function parsePeriod(value: string): number | undefined {
  const m = /^(\d{1,4})([hdw])$/.exec(value.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

