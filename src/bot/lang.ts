/** Which language a reply is written in. */
import type { Lang } from '../knowledge/schema.js';
import type { BotContext, BotDeps } from './deps.js';
import { langFromCode } from './texts.js';

/** The chat's /lang choice, else the question's own language, else the user's Telegram language. */
export function replyLang(ctx: BotContext, deps: BotDeps, questionLang?: Lang): Lang {
  const chosen = ctx.chat ? deps.settings.lang(ctx.chat.id) : undefined;
  return chosen ?? questionLang ?? langFromCode(ctx.from?.language_code) ?? 'zh-Hans';
}
