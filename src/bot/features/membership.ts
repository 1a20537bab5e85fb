/** When the bot is added to a group it introduces itself, once. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendText } from '../reply.js';
import { TEXTS } from '../texts.js';
import { topicOf } from '../../qa/render.js';

const IN = new Set(['member', 'administrator']);

export function membershipFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('my_chat_member', async (ctx) => {
    const { chat, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
    if (chat.type !== 'group' && chat.type !== 'supergroup') return;
    if (IN.has(before.status) || !IN.has(after.status)) return;
    ctx.log.info('added to a group');
    const lang = replyLang(ctx, deps);
    await sendText(ctx, TEXTS[lang].groupIntro(ctx.botInfo.username, topicOf(deps.render, lang)));
  });
  return feature;
}
