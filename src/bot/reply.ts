/** Sending an engine result as Telegram messages: HTML, split if long, suggestion buttons. */
import { Markup } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import type { Lang } from '../knowledge/schema.js';
import type { Result, Suggestion } from '../qa/engine.js';
import { markup, render, type RenderContext } from '../qa/render.js';
import type { BotContext } from './deps.js';
import { contextData, factData, voteData } from './callbacks.js';
import { splitHtml } from './split-html.js';
import { TEXTS } from './texts.js';

export const isGroup = (ctx: BotContext): boolean => ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';

export function suggestionKeyboard(suggestions: Suggestion[], lang: Lang): InlineKeyboardButton[][] {
  return suggestions.flatMap((s) => {
    const data = factData(s.factId);
    return data ? [[Markup.button.callback(s.question[lang].slice(0, 60), data)]] : [];
  });
}

/** The "context" button of a quoted answer (or of a partial reply's closest sentence); none for a metadata answer. */
export function contextRow(result: Result, lang: Lang): InlineKeyboardButton[] {
  const quoted = result.kind === 'sentence' ? result : result.kind === 'partial' ? result.related : undefined;
  const data = quoted && contextData(quoted.source.articleId, quoted.sentenceId, lang);
  return data ? [Markup.button.callback(TEXTS[lang].contextButton, data)] : [];
}

/** 👍 and 👎 for an answer in the question log. */
export const voteRow = (answerId: number): InlineKeyboardButton[] => [Markup.button.callback('👍', voteData(answerId, true)), Markup.button.callback('👎', voteData(answerId, false))];

export interface SendOptions {
  /** Reply to this message (groups). */
  replyTo?: number;
  /** Already counted against the chat's limits (the "slow down" note a command decided to send). */
  counted?: boolean;
  /** A follow-up's subject, said first (conversation.ts). */
  readWith?: string;
  /** The question-log row the 👍/👎 buttons vote on (private chats). */
  voteId?: number | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends HTML, split at sentence ends when longer than Telegram allows; buttons go on the last part.
 * Within the outbound limits: over a chat's limit the reply is dropped (a private chat gets one
 * "slow down" note instead); over the overall limit it waits its turn.
 */
export async function sendHtml(ctx: BotContext, html: string, keyboard: InlineKeyboardButton[][] = [], options: SendOptions = {}): Promise<void> {
  let parts = splitHtml(html);
  const group = isGroup(ctx);
  if (ctx.chat && !options.counted) {
    const verdict = ctx.limiter.reply(ctx.chat.id, group, ctx.from?.id, parts.length);
    if (verdict === 'drop') {
      ctx.log.info({ dropped: parts.length }, 'rate limit: reply dropped');
      return;
    }
    if (verdict === 'slowDown') {
      ctx.log.info({ dropped: parts.length }, 'rate limit: reply dropped, asked to slow down');
      parts = [markup([{ text: ctx.slowDownText() }], 'html')];
      keyboard = [];
    }
  }
  for (const [i, part] of parts.entries()) {
    for (let wait = ctx.limiter.answerWaitMs(); wait > 0; wait = ctx.limiter.answerWaitMs()) await sleep(wait);
    ctx.sent(ctx.chat!.id);
    const last = i === parts.length - 1;
    // reply_to_message_id as well as reply_parameters: older self-hosted Bot API servers know only the former.
    const replyTo = options.replyTo !== undefined && i === 0 ? options.replyTo : undefined;
    await ctx.reply(part, {
      parse_mode: 'HTML',
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true }, reply_to_message_id: replyTo } : {}),
      ...(last && keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
  }
}

/**
 * An answer (or a refusal with suggestions as buttons) in the given language. A quoted answer or a
 * partial reply gets the context button, and 👍/👎 when it was kept for a vote.
 */
export async function sendResult(ctx: BotContext, result: Result, lang: Lang, renderCtx: RenderContext, options: SendOptions = {}): Promise<void> {
  const context = contextRow(result, lang);
  const keyboard = [
    ...(context.length ? [context] : []),
    ...(options.voteId !== undefined ? [voteRow(options.voteId)] : []),
    ...(result.found ? [] : suggestionKeyboard(result.suggestions, lang)),
  ];
  await sendHtml(ctx, render(result, 'html', renderCtx, lang, { suggestionsAsText: false, readWith: options.readWith }), keyboard, options);
}

/** Plain text (escaped), through the same limits and splitting as everything else. */
export async function sendText(ctx: BotContext, text: string, options: SendOptions = {}): Promise<void> {
  await sendHtml(ctx, markup([{ text }], 'html'), [], options);
}
