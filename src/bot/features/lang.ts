/** /lang zh-Hans|zh-Hant|en|auto: the reply language of this chat. */
import { Composer } from 'telegraf';
import type { Lang } from '../../knowledge/schema.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendText } from '../reply.js';
import { TEXTS } from '../texts.js';

const CHOICES: Record<string, Lang> = {
  'zh-hans': 'zh-Hans',
  'zh-cn': 'zh-Hans',
  简体: 'zh-Hans',
  'zh-hant': 'zh-Hant',
  'zh-tw': 'zh-Hant',
  'zh-hk': 'zh-Hant',
  繁體: 'zh-Hant',
  繁体: 'zh-Hant',
  en: 'en',
  english: 'en',
};

export function langFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('lang', async (ctx) => {
    const arg = ctx.payload.trim().toLowerCase().replace(/_/g, '-');
    const choice = CHOICES[arg];
    if (choice) {
      deps.settings.setLang(ctx.chat.id, choice);
      await sendText(ctx, TEXTS[choice].langSet);
    } else if (arg === 'auto') {
      deps.settings.setLang(ctx.chat.id, undefined);
      await sendText(ctx, TEXTS[replyLang(ctx, deps)].langAuto);
    } else {
      await sendText(ctx, TEXTS[replyLang(ctx, deps)].langUsage);
    }
  });
  return feature;
}
