/**
 * The question log: every question the bot is asked, with personal data scrubbed before it is kept
 * (scrub.ts), the door it came through, what it got and how fast, and the 👍/👎 vote on its answer.
 * No user id, chat id or name. Kept `QUESTION_LOG_DAYS` (the bot deletes older rows daily); read by
 * `npm run report`.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Result } from '../qa/engine.js';
import { scrubPersonalData } from './scrub.js';
import type { Door, Outcome, PendingQuestion, Store } from './store.js';

export interface QuestionLog {
  /** Logs a question and its result; the row's id (what its vote buttons carry), at once. */
  record(entry: { door: Door; question: string; result: Result; latencyMs: number }): number;
  /** A vote on a logged answer; false: no such question, or it has a vote already. Rejects when the storage fails. */
  vote(id: number, up: boolean): Promise<boolean>;
  /** Writes what is logged but not yet written (at stop). Rejects when the storage fails (what failed stays pending). */
  flush(): Promise<void>;
}

/** What a result was, for the log and the metrics. */
export function outcomeOf(result: Result): Outcome {
  if (result.found) return 'answered';
  if (result.kind === 'partial') return 'partial';
  return result.reason === 'out-of-scope' ? 'declined' : result.reason === 'greeting' ? 'greeting' : 'help';
}

/** Logged questions are written together, at most this often: one write per question would cost a fifth of the bot's throughput. */
const FLUSH_MS = 200;
/** After a failed write, the batch is tried again this much later. */
const RETRY_MS = 2_000;
/** Questions waiting to be written, at most (the oldest go first; their vote buttons then say expired). */
const MAX_PENDING = 1_000;

/**
 * The log in the database. Questions are written in batches (one transaction every FLUSH_MS): each
 * gets a random id at once, so the reply need not wait for the disk. A batch the storage refuses is
 * tried again every RETRY_MS, at most MAX_PENDING kept waiting. A vote writes what is pending first.
 */
export function storeQuestionLog(store: Store, now: () => number = Date.now, log?: Logger): QuestionLog {
  let pending: PendingQuestion[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** The write in progress: writes go one after another, so a vote finds its question written. */
  let writing: Promise<void> = Promise.resolve();
  const schedule = (ms: number) => {
    timer = setTimeout(() => void flush().catch(() => {}), ms);
    timer.unref?.();
  };
  const write = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    try {
      await store.logQuestions(batch);
    } catch (err) {
      pending = [...batch, ...pending].slice(-MAX_PENDING);
      log?.warn({ err, questions: batch.length, pending: pending.length }, 'logged questions not written yet: tried again shortly');
      if (!timer) schedule(RETRY_MS);
      throw err;
    }
  };
  const flush = () => (writing = writing.catch(() => {}).then(write));
  return {
    record: ({ door, question, result, latencyMs }) => {
      const id = randomInt(1, 2 ** 47);
      const quoted = result.kind === 'sentence' ? result : result.kind === 'partial' ? result.related : undefined;
      pending.push({
        id,
        at: now(),
        row: {
          door,
          lang: result.lang,
          question: scrubPersonalData(question),
          outcome: outcomeOf(result),
          score: result.score,
          article: quoted?.source.articleId ?? (result.found ? result.source.articleId : undefined),
          sentence: quoted?.sentenceId,
          latencyMs: Math.round(latencyMs * 1000) / 1000,
        },
      });
      if (!timer) schedule(FLUSH_MS);
      return id;
    },
    vote: async (id, up) => {
      await flush();
      return store.vote(id, up, now());
    },
    flush,
  };
}
