/** What the bot is built from: handed to createBot, so tests can pass a stand-in clock or store. */
import type { Context } from 'telegraf';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../log.js';
import type { Engine } from '../qa/engine.js';
import type { RenderContext } from '../qa/render.js';
import type { DeliveryQueue } from '../announce/delivery-queue.js';
import { randomInt } from 'node:crypto';
import type { AnswerRecord, Store } from '../store/store.js';
import { scrub } from '../store/scrub.js';
import { retryBusy } from '../store/store.js';
import type { OutboundLimits } from '../limits.js';

/** Per-chat settings: in the database (storeSettings), or in memory for tests and tools. */
export interface ChatSettings {
  lang(chatId: number): Lang | undefined;
  /** Rejects when it cannot be saved (the caller says so). */
  setLang(chatId: number, lang: Lang | undefined): Promise<void>;
}

export function memorySettings(): ChatSettings {
  const langs = new Map<number, Lang>();
  return {
    lang: (chatId) => langs.get(chatId),
    setLang: async (chatId, lang) => void (lang ? langs.set(chatId, lang) : langs.delete(chatId)),
  };
}

/** Announcements and subscriptions: present when the bot has its database. */
export interface AnnounceDeps {
  store: Store;
  queue: DeliveryQueue;
  /** Operators (ADMIN_IDS): may /broadcast and count as admins everywhere. */
  adminIds: Set<number>;
  /** IANA time zone of subscription times. */
  zone: string;
}

/**
 * Chat settings kept in the database. A setting that cannot be read (the storage fails) is the
 * default; one that cannot be saved, while another process holds the lock, is retried for a while
 * without blocking anyone, then reported.
 */
export function storeSettings(store: Store, log: Logger): ChatSettings {
  return {
    lang: (chatId) => {
      try {
        return store.lang(chatId);
      } catch (err) {
        log.warn({ err }, 'chat setting unreadable: the default applies');
        return undefined;
      }
    },
    setLang: (chatId, lang) => retryBusy(() => store.setLang(chatId, lang)),
  };
}

/**
 * Votes on answers, kept in the database. A vote may fail (the storage is busy or full): it is
 * answered with "cannot save".
 */
export interface Feedback {
  /** Keeps an answer (its question scrubbed) and returns its id at once; written within moments. */
  record(answer: AnswerRecord): number;
  /** false: no such answer, or it has a vote already. */
  vote(answerId: number, up: boolean): boolean;
  /** Writes what is kept but not yet written (at stop). */
  flush(): void;
}

/** Kept answers are written together, at most this often: one write per answer would halve the bot's throughput. */
const FEEDBACK_FLUSH_MS = 200;
/** After a failed write, the batch is tried again this much later. */
const FEEDBACK_RETRY_MS = 2_000;
/** Kept answers waiting to be written, at most (the oldest go first; their buttons then say expired). */
const MAX_PENDING = 1_000;

/**
 * Feedback in the database. Answers are written in batches (one transaction every FEEDBACK_FLUSH_MS):
 * each gets a random id at once, so the reply need not wait for the disk. A batch the storage
 * refuses is tried again every FEEDBACK_RETRY_MS, at most MAX_PENDING kept waiting (older ones'
 * buttons then answer "expired"). A vote writes what is pending first.
 */
export function storeFeedback(store: Store, now: () => number = Date.now, log?: Logger): Feedback {
  let pending: { id: number; at: number; answer: AnswerRecord }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    try {
      store.transaction(() => {
        for (const p of batch) store.recordAnswer(p.answer, p.at, p.id);
      });
    } catch (err) {
      // Tried again shortly (a lock, a full disk may pass); beyond MAX_PENDING the oldest are dropped.
      pending = [...batch, ...pending].slice(-MAX_PENDING);
      log?.warn({ err, answers: batch.length, pending: pending.length }, 'kept answers not written yet: tried again shortly');
      timer = setTimeout(flush, FEEDBACK_RETRY_MS);
      timer.unref?.();
    }
  };
  return {
    record: (a) => {
      const id = randomInt(1, 2 ** 47);
      pending.push({ id, at: now(), answer: { ...a, question: scrub(a.question) } });
      if (!timer) {
        timer = setTimeout(flush, FEEDBACK_FLUSH_MS);
        timer.unref?.();
      }
      return id;
    },
    vote: (id, up) => {
      flush();
      return store.vote(id, up, now());
    },
    flush,
  };
}

export interface BotDeps {
  engine: Engine;
  render: RenderContext;
  log: Logger;
  settings: ChatSettings;
  /** This process's outbound limits, shared with the delivery queue. */
  limits: OutboundLimits;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now: () => number;
  /** For retries of outgoing calls; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  /** How long a conversation remembers its subject for follow-ups (FOLLOW_UP_MINUTES); default 10 minutes, 0 off. */
  followUpMs?: number;
  /** Answers kept for 👍/👎 (private chats): absent, no vote buttons. */
  feedback?: Feedback;
  announce?: AnnounceDeps;
}

/** The context every handler sees: telegraf's, with the update's logger and the outbound limits. */
export interface BotContext extends Context {
  log: Logger;
  limiter: OutboundLimits;
  /** "Please slow down", in the chat's language. */
  slowDownText: () => string;
  /** Logs messages sent to a group for the rate every process shares. */
  sentToGroup: (chatId: number) => void;
}
