/**
 * Questions. In a private chat any text is one. In a group only what is addressed to the bot:
 * /ask <question> (also /ask@botname), a message that mentions @botname, or a reply to one of the
 * bot's messages; the answer replies to the asker's message. Everything else is left alone.
 * A follow-up (能办多少项？) is read with the subject of the conversation's last question: a private
 * chat is one conversation, in a group each user's questions are theirs.
 * The rate limits are asked first: a question whose answer they would drop is neither answered nor
 * logged.
 */
import { Composer } from 'telegraf';
import type { Message, MessageEntity } from 'telegraf/types';
import { answered } from '../../metrics.js';
import { FOLLOW_UP_MS, type BotContext, type BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { isGroup, sendResult, sendText } from '../reply.js';
import { TEXTS } from '../texts.js';
import { Conversations } from '../../qa/conversation.js';

/** Whose conversation a message belongs to: the private chat, or the user within the group. */
function conversationOf(ctx: BotContext): string | undefined {
  if (!ctx.chat) return undefined;
  if (ctx.chat.type === 'private') return `p:${ctx.chat.id}`;
  return ctx.from ? `g:${ctx.chat.id}:${ctx.from.id}` : undefined;
}

async function answer(ctx: BotContext, deps: BotDeps, conversations: Conversations, question: string, replyTo?: number): Promise<void> {
  if (!question.trim()) {
    const lang = replyLang(ctx, deps);
    await sendText(ctx, TEXTS[lang].askUsage(deps.engine.example(lang)), { replyTo });
    return;
  }
  if (!(await replyAdmitted(ctx, replyTo))) return;
  const started = performance.now();
  const { result, readWith } = conversations.ask(conversationOf(ctx), question);
  const latencyMs = performance.now() - started;
  const isPrivate = ctx.chat?.type === 'private';
  ctx.log.info({ found: result.found, score: result.score, lang: result.lang, followUp: readWith !== undefined }, 'question answered');
  answered(result, latencyMs, isPrivate ? 'private' : 'group');
  const logged = deps.questionLog?.record({ door: isPrivate ? 'private' : 'group', question, result, latencyMs });
  // Votes on what quotes the article, in private chats (in groups they would be noise).
  const votable = isPrivate && (result.kind === 'sentence' || result.kind === 'partial');
  // A tap on a choice in a private chat is the asker's own pick (in a group anyone may tap it).
  const pickId = isPrivate && !result.found && result.choices.length ? logged : undefined;
  await sendResult(ctx, result, replyLang(ctx, deps, result.lang), deps.render, { replyTo, readWith, voteId: votable ? logged : undefined, pickId, admitted: true });
}

/**
 * Whether the chat may have an answer now (counted if so), decided before the question is answered
 * or logged: a question whose answer the limits would drop costs no engine time and is not logged.
 * A private chat over its limit gets the "slow down" note instead, once a minute.
 */
async function replyAdmitted(ctx: BotContext, replyTo: number | undefined): Promise<boolean> {
  if (!ctx.chat) return true;
  const verdict = ctx.limiter.reply(ctx.chat.id, isGroup(ctx), ctx.from?.id, 1);
  if (verdict === 'send') return true;
  if (verdict === 'drop') ctx.log.info({ dropped: 1 }, 'rate limit: reply dropped');
  else {
    ctx.log.info({ dropped: 1 }, 'rate limit: reply dropped, asked to slow down');
    await sendText(ctx, ctx.slowDownText(), { counted: true, replyTo });
  }
  return false;
}

/** The text without the entities that address the bot (@botname), or undefined when none does. */
function withoutMention(text: string, entities: MessageEntity[] | undefined, username: string, botId: number): string | undefined {
  const mentions = (entities ?? []).filter(
    (e) =>
      (e.type === 'mention' && text.slice(e.offset + 1, e.offset + e.length).toLowerCase() === username.toLowerCase()) ||
      (e.type === 'text_mention' && e.user.id === botId),
  );
  if (mentions.length === 0) return undefined;
  let out = text;
  for (const e of [...mentions].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + ' ' + out.slice(e.offset + e.length);
  return out.trim();
}

/** A message our own inline mode posted: it is an answer already, not a question. */
const fromOurInline = (ctx: BotContext): boolean => (ctx.message as Message.TextMessage | undefined)?.via_bot?.id === ctx.botInfo.id;

export function askFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const conversations = new Conversations(deps.engine, { ttlMs: deps.followUpMs ?? FOLLOW_UP_MS, now: deps.now, ...(deps.subjects ? { shared: deps.subjects } : {}) });

  feature.command('ask', async (ctx) => {
    await answer(ctx, deps, conversations, ctx.payload, isGroup(ctx) ? ctx.message.message_id : undefined);
  });

  feature.on('text', async (ctx, next) => {
    const message = ctx.message;
    if (fromOurInline(ctx)) return;
    if (message.text.startsWith('/')) return next();
    if (ctx.chat.type === 'private') return answer(ctx, deps, conversations, message.text);
    if (!isGroup(ctx)) return next();
    const addressed = withoutMention(message.text, message.entities, ctx.botInfo.username, ctx.botInfo.id);
    if (addressed !== undefined) return answer(ctx, deps, conversations, addressed, message.message_id);
    if (message.reply_to_message?.from?.id === ctx.botInfo.id) return answer(ctx, deps, conversations, message.text, message.message_id);
    return next();
  });

  return feature;
}
