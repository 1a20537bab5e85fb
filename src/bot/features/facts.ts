/** /facts: the key facts, each a short answer with its quote, then the attribution. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { factsMessage } from '../messages.js';
import { sendHtml } from '../reply.js';

export function factsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('facts', async (ctx) => {
    await sendHtml(ctx, factsMessage(deps.engine, deps.render, replyLang(ctx, deps), 'html'));
  });
  return feature;
}
