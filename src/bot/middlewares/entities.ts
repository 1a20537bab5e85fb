/**
 * Telegram marks commands and mentions with entities, and telegraf finds commands by them. Some Bot
 * API servers (self-hosted forks, test doubles) send text without entities: this fills in the
 * bot_command and mention entities Telegram would have sent, so /ask and @botname work the same.
 */
import type { MiddlewareFn } from 'telegraf';
import type { MessageEntity } from 'telegraf/types';
import type { BotContext } from '../deps.js';

const COMMAND = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/;
const MENTION = /(?<![\w@])@[A-Za-z0-9_]{4,32}\b/g;

export function entitiesFor(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const command = COMMAND.exec(text);
  if (command) out.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(MENTION)) {
    if (!(command && m.index < command[0].length)) out.push({ type: 'mention', offset: m.index, length: m[0].length });
  }
  return out;
}

export const fillEntities: MiddlewareFn<BotContext> = (ctx, next) => {
  const message = ctx.message as { text?: string; entities?: MessageEntity[] } | undefined;
  if (message?.text && !message.entities?.length) {
    const entities = entitiesFor(message.text);
    if (entities.length) message.entities = entities;
  }
  return next();
};
