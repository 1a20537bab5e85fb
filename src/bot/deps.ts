/** What the bot is built from: handed to createBot, so tests can pass a stand-in clock or store. */
import type { Context } from 'telegraf';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../log.js';
import type { SharedSubjects } from '../qa/conversation.js';
import type { SendLog } from '../store/shared-sends.js';
import type { Engine } from '../qa/engine.js';
import type { RenderContext } from '../qa/render.js';
import type { DeliveryQueue } from '../announce/delivery-queue.js';
import type { QuestionLog } from '../store/question-log.js';
import type { Store } from '../store/store.js';
import { retryBusy } from '../store/store.js';
import type { OutboundLimits } from '../limits.js';
import type { Callbacks } from './callbacks.js';

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

/** How often chat settings changed by other processes are read (settings.refresh). */
export const SETTINGS_REFRESH_MS = 2_000;
/** Changes are read again this far back, for clocks of replicas that differ a little. */
const SETTINGS_OVERLAP_MS = 10_000;

/** Chat settings kept in the database and read from memory: see storeSettings. */
export interface StoredSettings extends ChatSettings {
  /** Reads what other processes changed since the last refresh. Rejects when the storage fails. */
  refresh(): Promise<void>;
  /** Stops the periodic refresh. */
  stop(): void;
}

/**
 * Chat settings kept in the database, every one read into memory at start and the changes of other
 * processes (replicas) every `refreshMs`: an answer never waits for the database, and a setting made
 * through one replica is seen by the others within seconds. One that cannot be saved, while the
 * database is locked or out of reach, is retried for a while without blocking anyone, then reported.
 * A failed refresh keeps what is known and is tried again at the next tick.
 */
export async function storeSettings(store: Store, log: Logger, refreshMs = SETTINGS_REFRESH_MS): Promise<StoredSettings> {
  const langs = new Map<number, Lang>();
  let seen = 0;
  const refresh = async () => {
    for (const row of await store.langsSince(Math.max(0, seen - SETTINGS_OVERLAP_MS))) {
      if (row.lang) langs.set(row.chatId, row.lang);
      else langs.delete(row.chatId);
      seen = Math.max(seen, row.at);
    }
  };
  await refresh();
  const timer = setInterval(() => refresh().catch((err: unknown) => log.warn({ err }, 'chat settings not refreshed: tried again shortly')), refreshMs);
  timer.unref();
  return {
    lang: (chatId) => langs.get(chatId),
    setLang: async (chatId, lang) => {
      await retryBusy(() => store.setLang(chatId, lang));
      if (lang) langs.set(chatId, lang);
      else langs.delete(chatId);
    },
    refresh,
    stop: () => clearInterval(timer),
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
  /** The send log the limits share with other processes (the delivery queue's, other replicas'); absent: nothing logged. */
  sends?: SendLog;
  /** Conversation subjects shared with other replicas (PostgreSQL); absent: this process only. */
  subjects?: SharedSubjects;
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
  /** Logs a reply for the limits every process shares (store/shared-sends.ts). */
  sent: (chatId: number) => void;
  /** Makes and reads the buttons' data (tagged with a key derived from the bot token). */
  callbacks: Callbacks;
}
