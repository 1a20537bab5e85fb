/** /source: the article(s), their attribution and a two-line summary. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sourceMessage } from '../messages.js';
import { sendHtml } from '../reply.js';

export function sourceFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('source', async (ctx) => {
    await sendHtml(ctx, sourceMessage(deps.engine, deps.render, replyLang(ctx, deps), 'html'));
  });
  return feature;
}
