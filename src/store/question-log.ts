/**
 * The question log: every question the bot is asked, with personal data scrubbed before it is kept
 * (scrub.ts), the door it came through, what it got and how fast, and the 👍/👎 vote on its answer.
 * No user id, chat id or name. Kept `QUESTION_LOG_DAYS` (the bot deletes older rows daily); read by
 * `npm run report`.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Result } from '../qa/engine.js';
import { batches } from './batches.js';
import { scrubPersonalData } from './scrub.js';
import type { Door, Outcome, PendingQuestion, Store } from './store.js';

export interface QuestionLog {
  /** Logs a question and its result; the row's id (what its vote buttons carry), at once. */
  record(entry: { door: Door; question: string; result: Result; latencyMs: number }): number;
  /** A vote on a logged answer; false: no such question, or it has a vote already. Rejects when the storage fails. */
  vote(id: number, up: boolean): Promise<boolean>;
  /** The asker's pick among a logged question's choices; false: no such question, or it has a pick already. Rejects when the storage fails. */
  pick(id: number, article: string, sentence: string): Promise<boolean>;
  /** Writes what is logged but not yet written (at stop). Rejects when the storage fails (what failed stays pending). */
  flush(): Promise<void>;
}

/** What a result was, for the log and the metrics. */
export function outcomeOf(result: Result): Outcome {
  if (result.found) return 'answered';
  if (result.kind === 'partial') return 'partial';
  if (result.reason === 'out-of-scope') return 'declined';
  // Thanks and goodbyes are greetings too, for the log and the metrics.
  return result.reason === 'greeting' || result.reason === 'thanks' || result.reason === 'farewell' ? 'greeting' : 'help';
}

/** Logged questions are written together, at most this often: one write per question would cost a fifth of the bot's throughput. */
const FLUSH_MS = 200;
/**
 * Characters of a question the log keeps, at most (the scrubbed text, cut on a code point): enough
 * to read what was asked (real questions are under 300), and a message of 100,000 characters costs
 * no more to scrub and store than a long question.
 */
export const QUESTION_LOG_CHARS = 300;
/** What the log keeps of a question: its first QUESTION_LOG_CHARS characters, personal data replaced (scrub.ts). */
export const asLogged = (question: string): string => scrubPersonalData(question, QUESTION_LOG_CHARS);
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
  const pending = batches<PendingQuestion>((rows) => store.logQuestions(rows), {
    everyMs: FLUSH_MS,
    retryMs: RETRY_MS,
    max: MAX_PENDING,
    failed: (err, waiting) => log?.warn({ err, pending: waiting }, 'logged questions not written yet: tried again shortly'),
  });
  return {
    record: ({ door, question, result, latencyMs }) => {
      const id = randomInt(1, 2 ** 47);
      const quoted = result.kind === 'sentence' ? result : result.kind === 'partial' ? result.related : undefined;
      pending.add({
        id,
        at: now(),
        row: {
          door,
          lang: result.lang,
          question: asLogged(question),
          outcome: outcomeOf(result),
          score: result.score,
          article: quoted?.source.articleId ?? (result.found ? result.source.articleId : undefined),
          sentence: quoted?.sentenceId,
          latencyMs: Math.round(latencyMs * 1000) / 1000,
          learned: 'learned' in result && result.learned === true ? true : undefined,
        },
      });
      return id;
    },
    vote: async (id, up) => {
      // Its question first (a vote may come before the batch with it is written).
      await pending.flush();
      return store.vote(id, up, now());
    },
    pick: async (id, article, sentence) => {
      await pending.flush();
      return store.pick(id, article, sentence, now());
    },
    flush: () => pending.flush(),
  };
}
