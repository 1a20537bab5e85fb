/** /start and /help: what the bot knows, with example questions as buttons. */
import { Composer } from 'telegraf';
import { covers, escapeHtml } from '../../qa/render.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendHtml, suggestionKeyboard } from '../reply.js';
import { TEXTS } from '../texts.js';

const EXAMPLES = 4;

export function helpFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command(['start', 'help'], async (ctx) => {
    const lang = replyLang(ctx, deps);
    const t = TEXTS[lang];
    const examples = deps.engine.examples(EXAMPLES);
    const html = `${escapeHtml(t.help(covers(deps.render.sources, lang)))}\n\n${escapeHtml(t.examples)}`;
    await sendHtml(ctx, html, suggestionKeyboard(examples, lang));
  });
  return feature;
}
