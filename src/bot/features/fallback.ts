/**
 * Everything no feature handled. In a private chat a non-text message (sticker, photo, voice…) or an
 * unknown command gets a one-line hint; anywhere else nothing happens.
 */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendText } from '../reply.js';
import { TEXTS } from '../texts.js';

export function fallbackFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('message', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    if ('via_bot' in ctx.message && ctx.message.via_bot?.id === ctx.botInfo.id) return;
    const lang = replyLang(ctx, deps);
    const t = TEXTS[lang];
    const example = deps.engine.example(lang);
    await sendText(ctx, 'text' in ctx.message ? t.askUsage(example) : t.sendText(example));
  });
  return feature;
}
