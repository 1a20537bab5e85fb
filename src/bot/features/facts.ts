/** /facts: the key facts, each a short answer with its quote, then the attribution. */
import { Composer } from 'telegraf';
import { render } from '../../qa/render.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendHtml } from '../reply.js';
import { TEXTS } from '../texts.js';

export function factsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('facts', async (ctx) => {
    const lang = replyLang(ctx, deps);
    const blocks = deps.engine
      .keyFacts()
      .map((f) => deps.engine.answerFact(f.id, lang))
      .filter((r) => r !== undefined)
      .map((r) => render(r, 'html', deps.render, lang));
    await sendHtml(ctx, [`<b>${TEXTS[lang].facts}</b>`, ...blocks].join('\n\n'));
  });
  return feature;
}
