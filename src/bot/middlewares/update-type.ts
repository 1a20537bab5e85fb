/**
 * The kind of an update, from a fixed list (the Bot API's update types), for metrics and logs:
 * telegraf's `ctx.updateType` is the first key of the update holding an object, so a made-up update
 * would name its own metric label (one per key: without limit) or, without any object, make
 * telegraf throw with the whole update in the error's message. An update of no known kind is
 * counted as "other" and dropped before anything else sees it.
 */
import type { MiddlewareFn } from 'telegraf';
import type { Update } from 'telegraf/types';
import { updateSeen } from '../../metrics.js';
import type { Logger } from '../../log.js';
import type { BotContext } from '../deps.js';

export const UPDATE_KINDS = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

/** The update's kind: the first known key that holds an object, else undefined. */
export function updateKind(update: Update): UpdateKind | undefined {
  const fields = update as unknown as Record<string, unknown>;
  return UPDATE_KINDS.find((k) => typeof fields[k] === 'object' && fields[k] !== null);
}

/**
 * Counts every update by kind and passes on those of a known kind whose kind is also what telegraf
 * reads (a known key first among the update's objects); the rest are logged by id and dropped.
 */
export function knownUpdates(log: Logger): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const fields = ctx.update as unknown as Record<string, unknown>;
    const kind = updateKind(ctx.update);
    // telegraf reads the first key holding an object (null included): it must be the known one.
    const read = Object.keys(fields).find((k) => typeof fields[k] === 'object');
    const known = kind !== undefined && read === kind;
    updateSeen(known ? kind : 'other');
    if (!known) {
      log.info({ update_id: typeof ctx.update.update_id === 'number' ? ctx.update.update_id : null }, 'update of no known kind: ignored');
      return;
    }
    return next();
  };
}
