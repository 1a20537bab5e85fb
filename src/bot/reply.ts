/** Sending an engine result as Telegram messages: HTML, split if long, suggestion buttons. */
import type { InlineKeyboardButton } from 'telegraf/types';
import type { Lang } from '../knowledge/schema.js';
import type { Choice, Result, Suggestion } from '../qa/engine.js';
import { markup, render, type RenderContext } from '../qa/render.js';
import type { BotContext } from './deps.js';
import { choiceData, factData, type Callbacks } from './callbacks.js';
import { splitHtml } from './split-html.js';
import { TEXTS } from './texts.js';

export const isGroup = (ctx: BotContext): boolean => ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';

/** A callback button: telegraf's Markup adds a `hide` field that the Bot API does not have. */
export const button = (text: string, data: string): InlineKeyboardButton.CallbackButton => ({ text, callback_data: data });

export function suggestionKeyboard(suggestions: Suggestion[], lang: Lang): InlineKeyboardButton[][] {
  return suggestions.flatMap((s) => {
    const data = factData(s.factId);
    return data ? [[button(s.question[lang].slice(0, 60), data)]] : [];
  });
}

/**
 * One button a "did you mean" choice, labelled with its clause; a tap answers in `lang`, and with
 * `pick` (a private chat's logged question) is recorded as the asker's pick.
 */
export function choiceKeyboard(choices: Choice[], lang: Lang, pick?: { callbacks: Callbacks; answerId: number }): InlineKeyboardButton[][] {
  return choices.flatMap((c) => {
    const data = pick ? pick.callbacks.pick(pick.answerId, c.source.articleId, c.sentenceId, lang) : choiceData(c.source.articleId, c.sentenceId, lang);
    return data ? [[button(c.label, data)]] : [];
  });
}

/** The "context" button of a quoted answer (or of a partial reply's closest sentence); none for a metadata answer. */
export function contextRow(callbacks: Callbacks, result: Result, lang: Lang): InlineKeyboardButton[] {
  const quoted = result.kind === 'sentence' ? result : result.kind === 'partial' ? result.related : undefined;
  const data = quoted && callbacks.context(quoted.source.articleId, quoted.sentenceId, lang);
  return data ? [button(TEXTS[lang].contextButton, data)] : [];
}

/** 👍 and 👎 for an answer in the question log. */
export const voteRow = (callbacks: Callbacks, answerId: number): InlineKeyboardButton[] => [button('👍', callbacks.vote(answerId, true)), button('👎', callbacks.vote(answerId, false))];

export interface SendOptions {
  /** Reply to this message (groups). */
  replyTo?: number;
  /** Already counted against the chat's limits (the "slow down" note a command decided to send). */
  counted?: boolean;
  /** Admitted as one message before it was rendered (ask.ts): any further parts are counted, not refused. */
  admitted?: boolean;
  /** A follow-up's subject, said first (conversation.ts). */
  readWith?: string;
  /** The question-log row the choices' taps are recorded for as the asker's pick (private chats). */
  pickId?: number | undefined;
  /** The question-log row the 👍/👎 buttons vote on (private chats). */
  voteId?: number | undefined;
  /**
   * A command's short reply (a refusal, a usage line): in a group it replies to the command and
   * counts against the group's budget only — never dropped for the asker's own rate, or someone
   * refused right after a question would hear nothing.
   */
  notice?: boolean;
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
  if (ctx.chat && options.admitted) {
    if (parts.length > 1) ctx.limiter.charge(ctx.chat.id, group, parts.length - 1);
  } else if (ctx.chat && !options.counted) {
    const verdict = ctx.limiter.reply(ctx.chat.id, group, options.notice ? undefined : ctx.from?.id, parts.length);
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
    const replyTo = i > 0 ? undefined : (options.replyTo ?? (options.notice && group ? ctx.message?.message_id : undefined));
    await ctx.reply(part, {
      parse_mode: 'HTML',
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      ...(last && keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
  }
}

/**
 * An answer (or a refusal with suggestions as buttons) in the given language. A quoted answer or a
 * partial reply gets the context button, and 👍/👎 when it was kept for a vote.
 */
export async function sendResult(ctx: BotContext, result: Result, lang: Lang, renderCtx: RenderContext, options: SendOptions = {}): Promise<void> {
  const context = contextRow(ctx.callbacks, result, lang);
  const keyboard = [
    ...(context.length ? [context] : []),
    ...(options.voteId !== undefined ? [voteRow(ctx.callbacks, options.voteId)] : []),
    ...(result.found
      ? []
      : result.choices.length
        ? choiceKeyboard(result.choices, lang, options.pickId !== undefined ? { callbacks: ctx.callbacks, answerId: options.pickId } : undefined)
        : suggestionKeyboard(result.suggestions, lang)),
  ];
  await sendHtml(ctx, render(result, 'html', renderCtx, lang, { suggestionsAsText: false, readWith: options.readWith }), keyboard, options);
}

/** Plain text (escaped), through the same limits and splitting as everything else. */
export async function sendText(ctx: BotContext, text: string, options: SendOptions = {}): Promise<void> {
  await sendHtml(ctx, markup([{ text }], 'html'), [], options);
}
