/**
 * /review: operators (ADMIN_IDS), in a private chat, teach the bot from its question log. One
 * message shows the next question waiting (review.ts: declined, partial, voted 👎 or resolved by a
 * "did you mean" tap; most asked first), how it went, and up to three sentences that may answer it,
 * each a button; "not in the article", "skip" and "more candidates" below. A press teaches, is
 * applied at once (other replicas within seconds: review/sync.ts), and the same message shows the
 * next question. `/review undo` takes back the operator's last teaching.
 */
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { EN } from '../../i18n/en.js';
import { ZH_HANS } from '../../i18n/zh-hans.js';
import { ZH_HANT } from '../../i18n/zh-hant.js';
import type { Lang } from '../../knowledge/schema.js';
import { taught } from '../../metrics.js';
import { escapeHtml } from '../../qa/render.js';
import { simplify } from '../../text/normalize.js';
import { operatorHash, PAGE, Review, type Candidate, type ReviewItem } from '../../review/review.js';
import { articleKey, onMessage } from '../callbacks.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { sendHtml, sendText } from '../reply.js';

export interface ReviewTexts {
  notOperator: string;
  nothing: string;
  heading: (waiting: number) => string;
  how: (count: number, how: ReviewItem['how']) => string;
  which: string;
  noCandidates: string;
  notInArticle: string;
  skip: string;
  more: string;
  taught: (question: string) => string;
  declined: (question: string) => string;
  skipped: (question: string) => string;
  undone: (question: string) => string;
  nothingToUndo: string;
  gone: string;
}

const T: Record<Lang, ReviewTexts> = { 'zh-Hans': ZH_HANS.review, 'zh-Hant': ZH_HANT.review, en: EN.review };
const PARAGRAPH: Record<Lang, (n: number) => string> = { 'zh-Hans': ZH_HANS.digest.paragraph, 'zh-Hant': ZH_HANT.digest.paragraph, en: EN.digest.paragraph };

/** Characters of a candidate's sentence shown in the message; of a question in a note. */
const SENTENCE_CHARS = 220;
const NOTE_CHARS = 60;
/** Characters of a candidate's button label (Telegram shows about this many). */
const BUTTON_CHARS = 28;

const cut = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

/** The message for the next item (after `note`, what the last press did): HTML and its buttons. */
export function reviewMessage(
  ctx: BotContext,
  lang: Lang,
  waiting: number,
  item: ReviewItem | undefined,
  page: { list: Candidate[]; more: boolean; offset: number },
  note?: string,
): { html: string; keyboard: InlineKeyboardButton[][] } {
  const t = T[lang];
  const lines: string[] = note ? [escapeHtml(note), ''] : [];
  if (!item) return { html: [...lines, escapeHtml(t.nothing)].join('\n'), keyboard: [] };
  lines.push(`<b>${escapeHtml(t.heading(waiting))}</b>`, `“${escapeHtml(item.question)}”`, `<i>${escapeHtml(t.how(item.count, item.how))}</i>`, '');
  lines.push(escapeHtml(page.list.length ? t.which : t.noCandidates));
  page.list.forEach((c, i) => {
    const publication = lang === 'en' ? (c.source.en?.publication ?? c.source.publication) : lang === 'zh-Hans' ? simplify(c.source.publication) : c.source.publication;
    lines.push(`<b>${page.offset + i + 1}.</b> ${escapeHtml(`${publication}, ${PARAGRAPH[lang](c.paragraph)}`)}`, `<blockquote>${escapeHtml(cut(c.text, SENTENCE_CHARS))}</blockquote>`);
  });
  const keyboard: InlineKeyboardButton[][] = [];
  for (const [i, c] of page.list.entries()) {
    const data = ctx.callbacks.reviewTeach(item.rowId, c.article, c.sentence);
    if (data) keyboard.push([{ text: cut(`${page.offset + i + 1}. ${c.label}`, BUTTON_CHARS), callback_data: data }]);
  }
  keyboard.push([
    { text: t.notInArticle, callback_data: ctx.callbacks.reviewVerdict(item.rowId, 'decline') },
    { text: t.skip, callback_data: ctx.callbacks.reviewVerdict(item.rowId, 'skip') },
  ]);
  if (page.more) keyboard.push([{ text: t.more, callback_data: ctx.callbacks.reviewMore(item.rowId, page.offset + PAGE) }]);
  return { html: lines.join('\n'), keyboard };
}

export function reviewFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const a = deps.announce;
  if (!a || !deps.questionLog) return feature;
  const review = new Review(a.store, deps.engine, Math.max(1, deps.questionLogDays ?? 30) * 86_400_000, deps.now);
  const operator = (ctx: BotContext) => ctx.chat?.type === 'private' && ctx.from !== undefined && a.adminIds.has(ctx.from.id);
  const articleIds = () => new Map(deps.engine.articles().map((x) => [articleKey(x.source.articleId), x.source.articleId]));

  /** The next waiting item and its first page, as a message. */
  const next = async (ctx: BotContext, lang: Lang, note?: string, at?: { rowId: number; offset: number }) => {
    // The questions this process logged a moment ago first (the log writes in batches).
    await deps.questionLog?.flush();
    const waiting = await review.waiting();
    const item = at ? (waiting.find((w) => w.rowId === at.rowId) ?? waiting[0]) : waiting[0];
    const offset = at && item?.rowId === at.rowId ? at.offset : 0;
    const page = item ? await review.candidates(item, lang, offset) : { list: [], more: false };
    return reviewMessage(ctx, lang, waiting.length, item, { ...page, offset }, note);
  };

  feature.command('review', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!operator(ctx)) return sendText(ctx, T[lang].notOperator, { notice: true });
    if (/^\/review(@\w+)?\s+undo\s*$/i.test(ctx.message.text)) {
      const undone = await review.undo(operatorHash(ctx.from.id));
      ctx.log.info({ undone: Boolean(undone) }, 'review: undo');
      if (!undone) return sendText(ctx, T[lang].nothingToUndo);
      const { html, keyboard } = await next(ctx, lang, T[lang].undone(cut(undone.question, NOTE_CHARS)));
      return sendHtml(ctx, html, keyboard);
    }
    const { html, keyboard } = await next(ctx, lang);
    return sendHtml(ctx, html, keyboard);
  });

  feature.on('callback_query', async (ctx, nextMiddleware) => {
    const query = ctx.callbackQuery;
    const data = 'data' in query ? query.data : undefined;
    const callback = ctx.callbacks.parse(data);
    if (callback?.kind !== 'review') return nextMiddleware();
    const lang = replyLang(ctx, deps);
    // Only an operator, on the message that carries the button (not forged data).
    if (!operator(ctx) || !query.message || !onMessage(query.message, data!)) return void (await ctx.answerCbQuery(T[lang].notOperator));
    const item = await review.item(callback.rowId);
    if (!item) {
      await ctx.answerCbQuery(T[lang].gone);
      const { html, keyboard } = await next(ctx, lang);
      return void (await ctx.editMessageText(html, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }));
    }
    let note: string | undefined;
    let at: { rowId: number; offset: number } | undefined;
    const who = operatorHash(ctx.from!.id);
    const question = cut(item.question, NOTE_CHARS);
    if (callback.action === 'more') {
      at = { rowId: item.rowId, offset: callback.offset };
    } else if (callback.action === 'teach') {
      const article = articleIds().get(callback.articleKey);
      const taught = article && (await review.teach(item, { sentence: { article, sentence: callback.sentenceId } }, who));
      if (!taught) return void (await ctx.answerCbQuery(T[lang].gone));
      note = T[lang].taught(question);
    } else {
      await review.teach(item, callback.action, who);
      note = callback.action === 'decline' ? T[lang].declined(question) : T[lang].skipped(question);
    }
    if (callback.action !== 'more') {
      taught(callback.action === 'teach' ? 'phrasing' : callback.action);
      ctx.log.info({ verdict: callback.action }, 'review: taught');
    }
    await ctx.answerCbQuery();
    const { html, keyboard } = await next(ctx, lang, note, at);
    await ctx.editMessageText(html, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
  });
  return feature;
}
