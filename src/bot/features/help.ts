/** /start and /help: what the bot knows, with example questions as buttons. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { EXAMPLES, helpMessage } from '../messages.js';
import { sendHtml, suggestionKeyboard } from '../reply.js';

export function helpFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command(['start', 'help'], async (ctx) => {
    const lang = replyLang(ctx, deps);
    await sendHtml(ctx, helpMessage(deps.engine, deps.render, lang, 'html'), suggestionKeyboard(deps.engine.examples(EXAMPLES), lang));
  });
  return feature;
}
