/** /source: the article(s), their attribution and a two-line summary. */
import { Composer } from 'telegraf';
import { citation, escapeHtml } from '../../qa/render.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendHtml } from '../reply.js';

export function sourceFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('source', async (ctx) => {
    const lang = replyLang(ctx, deps);
    const blocks = deps.engine.knowledge.articles.map((k, i) => {
      const source = deps.render.sources[i]!;
      const editors = lang === 'en' ? (source.en?.editors ?? source.editors).join(', ') : source.editors.join('、');
      const summary = k.summary?.[lang];
      return [
        `<b>${escapeHtml(citation(source, lang))}</b>`,
        escapeHtml(lang === 'en' ? `Editors: ${editors}` : `责编：${editors}`),
        summary ? `<i>${escapeHtml(summary)}</i>` : '',
      ]
        .filter(Boolean)
        .join('\n');
    });
    await sendHtml(ctx, blocks.join('\n\n'));
  });
  return feature;
}
