/** /privacy: what the bot keeps about questions, and for how long, in the chat's language. */
import { Composer } from 'telegraf';
import { FOLLOW_UP_MS, type BotContext, type BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendText } from '../reply.js';
import { TEXTS } from '../texts.js';

export function privacyFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('privacy', async (ctx) => {
    const days = deps.questionLog ? (deps.questionLogDays ?? 0) : 0;
    await sendText(ctx, TEXTS[replyLang(ctx, deps)].privacy(days, Math.round((deps.followUpMs ?? FOLLOW_UP_MS) / 60_000), deps.subjects !== undefined));
  });
  return feature;
}
