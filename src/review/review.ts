/**
 * The operator's review (/review in Telegram, `npm run review` in the terminal, the review bench):
 * the questions the bot did not serve well, most asked first, each with sentences that may answer
 * it; a choice teaches (store.ts `Teaching`) and is applied at once (engine.learn).
 *
 * What waits for review: questions declined, answered in part, answered and voted 👎, or resolved by
 * a "did you mean" tap, grouped as the report groups them (script, punctuation and spacing folded),
 * minus those already taught (skips included). Candidates: what the asker picked, the sentence a
 * partial reply quoted, then the engine's relaxed search; never the sentence a 👎 was given for.
 */
import { createHash } from 'node:crypto';
import type { Lang } from '../knowledge/schema.js';
import type { Engine } from '../qa/engine.js';
import { questionKey, sentenceVersion, type LearnedPhrasing } from '../qa/learned.js';
import type { SourceRef } from '../qa/types.js';
import { simplify } from '../text/normalize.js';
import type { LogRow, Store, TeachingRow } from '../store/store.js';

/** Candidates shown at once (one button each). */
export const PAGE = 3;
/** Candidates looked at for one question, over every page. */
const MAX_CANDIDATES = 9;

export interface ReviewItem {
  /** The group's key (learned.ts questionKey). */
  key: string;
  /** Its most frequent wording, as logged. */
  question: string;
  lang: Lang;
  count: number;
  /** How it went, per row: declined, partial, voted 👎, picked. */
  how: { declined: number; partial: number; down: number; picked: number };
  /** The latest logged row of the group: what buttons carry to name it. */
  rowId: number;
}

export interface Candidate {
  article: string;
  sentence: string;
  /** The sentence's clause closest to the question (or its translation), in the reviewer's language. */
  label: string;
  /** The sentence in the reviewer's language: its translation for English when there is one. */
  text: string;
  /** The sentence as the article has it. */
  original: string;
  source: SourceRef;
  paragraph: number;
}

/** What a press teaches: a sentence, "not in the article", or "skip". */
export type Verdict = { sentence: { article: string; sentence: string } } | 'decline' | 'skip';

const LANGS_OF = new Set<string>(['zh-Hans', 'zh-Hant', 'en']);

/** Teachings as the engine applies them: phrasings and declines (skips only hide a question from the review). */
export function learnedOf(rows: readonly TeachingRow[]): LearnedPhrasing[] {
  return rows
    .filter((r) => r.kind !== 'skip')
    .map((r) => ({
      question: r.question,
      lang: (LANGS_OF.has(r.lang) ? r.lang : 'zh-Hans') as Lang,
      article: r.kind === 'phrasing' ? r.article : null,
      sentence: r.kind === 'phrasing' ? r.sentence : null,
      version: r.kind === 'phrasing' ? r.version : null,
    }));
}

const needsReview = (r: LogRow): boolean => r.outcome === 'declined' || r.outcome === 'partial' || r.vote === -1 || r.picked !== undefined;

export class Review {
  constructor(
    private readonly store: Store,
    private readonly engine: Engine,
    /** How far back the question log is read (QUESTION_LOG_DAYS). */
    private readonly sinceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The questions waiting, most asked first (the latest asked first among equals). */
  async waiting(): Promise<ReviewItem[]> {
    const [rows, taught] = await Promise.all([this.store.questionsSince(this.now() - this.sinceMs), this.store.teachings()]);
    const done = new Set(taught.map((t) => t.key));
    const groups = new Map<string, LogRow[]>();
    for (const r of rows) {
      if (!needsReview(r)) continue;
      const key = questionKey(r.question);
      if (done.has(key)) continue;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(r);
    }
    return [...groups]
      .map(([key, list]): ReviewItem => {
        const latest = list.reduce((a, b) => (b.at >= a.at ? b : a));
        return {
          key,
          question: mostFrequent(list.map((r) => r.question)),
          lang: mostFrequent(list.map((r) => r.lang)) as Lang,
          count: list.length,
          how: {
            declined: list.filter((r) => r.outcome === 'declined').length,
            partial: list.filter((r) => r.outcome === 'partial').length,
            down: list.filter((r) => r.vote === -1).length,
            picked: list.filter((r) => r.picked).length,
          },
          rowId: latest.id,
        };
      })
      .sort((a, b) => b.count - a.count || b.rowId - a.rowId);
  }

  /** The waiting question a logged row belongs to (what a button names), or undefined when it is done. */
  async item(rowId: number): Promise<ReviewItem | undefined> {
    const row = await this.store.question(rowId);
    if (!row) return undefined;
    const key = questionKey(row.question);
    return (await this.waiting()).find((i) => i.key === key);
  }

  /**
   * Sentences that may answer an item, best first, in the reviewer's language: `offset` skips
   * pages already seen. `more`: whether another page follows.
   */
  async candidates(item: ReviewItem, lang: Lang, offset = 0): Promise<{ list: Candidate[]; more: boolean }> {
    const rows = (await this.store.questionsSince(this.now() - this.sinceMs)).filter((r) => questionKey(r.question) === item.key);
    const refused = new Set(rows.filter((r) => r.vote === -1 && r.article && r.sentence).map((r) => `${r.article}:${r.sentence}`));
    const first = [
      ...rows.flatMap((r) => (r.picked ? [r.picked] : [])),
      ...rows.flatMap((r) => (r.outcome === 'partial' && r.article && r.sentence ? [{ article: r.article, sentence: r.sentence }] : [])),
    ];
    const found = this.engine.reviewCandidates(item.question, MAX_CANDIDATES, lang).map((c) => ({ article: c.source.articleId, sentence: c.sentenceId, label: c.label }));
    const seen = new Set<string>(refused);
    const all: Candidate[] = [];
    for (const c of [...first.map((f) => ({ ...f, label: '' })), ...found]) {
      const id = `${c.article}:${c.sentence}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const paragraph = this.engine.paragraphOf(c.article, c.sentence);
      const sentence = paragraph?.sentences.find((s) => s.quoted);
      if (!paragraph || !sentence) continue;
      const label = c.label || found.find((x) => x.article === c.article && x.sentence === c.sentence)?.label || short(sentence.text);
      all.push({ article: c.article, sentence: c.sentence, label, text: lang === 'en' && sentence.translation ? sentence.translation : lang === 'zh-Hans' ? simplify(sentence.text) : sentence.text, original: sentence.text, source: paragraph.source, paragraph: paragraph.paragraph });
      if (all.length >= MAX_CANDIDATES) break;
    }
    return { list: all.slice(offset, offset + PAGE), more: all.length > offset + PAGE };
  }

  /** Records what a press teaches and applies every teaching to the engine at once. */
  async teach(item: ReviewItem, verdict: Verdict, taughtBy: string): Promise<TeachingRow | undefined> {
    const base = { key: item.key, question: item.question, lang: item.lang, taughtBy };
    let id: number;
    if (verdict === 'decline' || verdict === 'skip') {
      id = await this.store.teach({ ...base, kind: verdict, article: null, sentence: null, version: null }, this.now());
    } else {
      const { article, sentence } = verdict.sentence;
      const text = this.engine.paragraphOf(article, sentence)?.sentences.find((s) => s.quoted)?.text;
      if (text === undefined) return undefined;
      id = await this.store.teach({ ...base, kind: 'phrasing', article, sentence, version: sentenceVersion(text) }, this.now());
    }
    await this.apply();
    return (await this.store.teachings()).find((t) => t.id === id);
  }

  /** Takes back the latest teaching of `taughtBy`, and applies the rest. */
  async undo(taughtBy: string): Promise<TeachingRow | undefined> {
    const undone = await this.store.unteach(taughtBy, this.now());
    if (undone) await this.apply();
    return undone;
  }

  /** Applies the store's teachings to the engine (replacing what it applied before). */
  async apply(): Promise<{ applied: number; stale: number }> {
    const { applied, stale } = this.engine.learn(learnedOf(await this.store.teachings()));
    return { applied, stale: stale.length };
  }
}

/** Who taught, as the store keeps it: a hash of the operator's Telegram id, never the id. */
export function operatorHash(userId: number): string {
  return createHash('sha256').update('reform-qa-bot operator\0').update(String(userId)).digest('base64url').slice(0, 16);
}

const LABEL_CHARS = 40;
const short = (text: string): string => ([...text].length <= LABEL_CHARS ? text : `${[...text].slice(0, LABEL_CHARS - 1).join('')}…`);

function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}
