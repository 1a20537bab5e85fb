/** What the bot is built from: handed to createBot, so tests can pass a stand-in clock or store. */
import type { Context } from 'telegraf';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../log.js';
import type { Engine } from '../qa/engine.js';
import type { RenderContext } from '../qa/render.js';
import type { DeliveryQueue } from '../announce/delivery-queue.js';
import type { Store } from '../store/store.js';
import type { RateLimiter } from './rate-limit.js';

/** Per-chat settings: in the database (storeSettings), or in memory for tests and tools. */
export interface ChatSettings {
  lang(chatId: number): Lang | undefined;
  setLang(chatId: number, lang: Lang | undefined): void;
}

export function memorySettings(): ChatSettings {
  const langs = new Map<number, Lang>();
  return {
    lang: (chatId) => langs.get(chatId),
    setLang: (chatId, lang) => (lang ? langs.set(chatId, lang) : langs.delete(chatId)),
  };
}

export interface Limits {
  /** A user gets at most one answer per this many ms in a group. Default 3,000. */
  perUserMs: number;
  /** A group gets at most this many messages per minute (Telegram's own limit is 20). Default 20. */
  perGroupPerMinute: number;
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

/** Chat settings kept in the database. */
export function storeSettings(store: Store): ChatSettings {
  return { lang: (chatId) => store.lang(chatId), setLang: (chatId, lang) => store.setLang(chatId, lang) };
}

export interface BotDeps {
  engine: Engine;
  render: RenderContext;
  log: Logger;
  settings: ChatSettings;
  limits: Limits;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now: () => number;
  /** For retries of outgoing calls; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  announce?: AnnounceDeps;
}

/** The context every handler sees: telegraf's, with the update's logger and the group limiter. */
export interface BotContext extends Context {
  log: Logger;
  limiter: RateLimiter;
}
