/** What the bot is built from: handed to createBot, so tests can pass a stand-in clock or store. */
import type { Context } from 'telegraf';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../log.js';
import type { Engine } from '../qa/engine.js';
import type { RenderContext } from '../qa/render.js';
import type { DeliveryQueue } from '../announce/delivery-queue.js';
import type { QuestionLog } from '../store/question-log.js';
import type { Store } from '../store/store.js';
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

/** Default of BotDeps.followUpMs: ten minutes. */
export const FOLLOW_UP_MS = 10 * 60_000;

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
  /** How long a conversation remembers its subject for follow-ups (FOLLOW_UP_MINUTES); default FOLLOW_UP_MS, 0 off. */
  followUpMs?: number;
  /** The question log (QUESTION_LOG_DAYS > 0): every question; private answers get 👍/👎. Absent: nothing logged, no vote buttons. */
  questionLog?: QuestionLog;
  /** Days the log keeps a question (for /privacy); 0 when nothing is logged. */
  questionLogDays?: number;
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
