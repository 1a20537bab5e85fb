/**
 * What the handlers may read of an update: no more than Telegram itself sends. A message's text or
 * caption is at most 4,096 characters and an inline query 256: an update with a longer one is not
 * from Telegram (a forged webhook request, a broken server) and is dropped here, logged by id; a
 * message keeps at most 100 entities, those within its text. Every later step works on bounded
 * input, whatever it costs per character.
 */
import type { MiddlewareFn } from 'telegraf';
import type { MessageEntity } from 'telegraf/types';
import type { Logger } from '../../log.js';
import type { BotContext } from '../deps.js';

/** Telegram's limits on what people send (UTF-16 code units, as Telegram counts). */
export const MAX_MESSAGE_CHARS = 4096;
export const MAX_INLINE_QUERY_CHARS = 256;
export const MAX_ENTITIES = 100;

interface Readable {
  text?: unknown;
  caption?: unknown;
  entities?: unknown;
  caption_entities?: unknown;
  reply_to_message?: unknown;
}

const tooLong = (text: unknown, max: number): boolean => typeof text === 'string' && text.length > max;

/** Whether a message is within the limits; its entities trimmed to those that may be. */
function bounded(m: Readable | undefined): boolean {
  if (!m || typeof m !== 'object') return true;
  for (const [field, entities] of [['text', 'entities'], ['caption', 'caption_entities']] as const) {
    const text = m[field];
    if (typeof text !== 'string') continue;
    if (text.length > MAX_MESSAGE_CHARS) return false;
    const list = m[entities];
    if (Array.isArray(list) && list.length) {
      m[entities] = (list as MessageEntity[])
        .slice(0, MAX_ENTITIES)
        .filter((e) => e && typeof e.offset === 'number' && typeof e.length === 'number' && e.offset >= 0 && e.offset + e.length <= text.length);
    }
  }
  return bounded(m.reply_to_message as Readable | undefined);
}

const MESSAGES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_message', 'edited_business_message'] as const;

export function boundUpdates(log: Logger): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const u = ctx.update as unknown as Record<string, (Readable & { query?: unknown; message?: Readable }) | undefined>;
    const within =
      MESSAGES.every((kind) => bounded(u[kind])) &&
      bounded(u.callback_query?.message) &&
      !tooLong(u.inline_query?.query, MAX_INLINE_QUERY_CHARS) &&
      !tooLong(u.chosen_inline_result?.query, MAX_INLINE_QUERY_CHARS);
    if (!within) {
      log.info({ update_id: ctx.update.update_id }, 'update longer than Telegram sends: ignored');
      return;
    }
    return next();
  };
}
