/** /lang zh-Hans|zh-Hant|en|auto: the reply language of this chat. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { langChoice } from '../messages.js';
import { sendText } from '../reply.js';
import { TEXTS } from '../texts.js';

export function langFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('lang', async (ctx) => {
    const choice = langChoice(ctx.payload);
    if (choice === 'auto') {
      await deps.settings.setLang(ctx.chat.id, undefined);
      await sendText(ctx, TEXTS[replyLang(ctx, deps)].langAuto);
    } else if (choice) {
      await deps.settings.setLang(ctx.chat.id, choice);
      await sendText(ctx, TEXTS[choice].langSet);
    } else {
      await sendText(ctx, TEXTS[replyLang(ctx, deps)].langUsage);
    }
  });
  return feature;
}
