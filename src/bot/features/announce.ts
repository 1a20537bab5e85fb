/**
 * Announcements. In a group, admins (creator or administrator, or an operator in ADMIN_IDS) can
 * /announce the digest of key facts (/announce pin also pins it), /announce one fact by keyword,
 * /subscribe to a fact a day or a week, /unsubscribe, and see /subscription. In a private chat anyone
 * can subscribe themselves. Operators /broadcast to every subscribed chat. Everything posted goes
 * through the delivery queue.
 */
import { Composer } from 'telegraf';
import { EN } from '../../i18n/en.js';
import { ZH_HANS } from '../../i18n/zh-hans.js';
import { ZH_HANT } from '../../i18n/zh-hant.js';
import { broadcastHtml, digestHtml } from '../../announce/content.js';
import { formatTime, nextOccurrence, parseSchedule } from '../../announce/schedule.js';
import type { Lang } from '../../knowledge/schema.js';
import { escapeHtml, render } from '../../qa/render.js';
import type { AnnounceDeps, BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { isGroup, sendText } from '../reply.js';
import { retryBusy, type Report } from '../../store/store.js';

export interface AnnounceTexts {
  notAdmin: () => string;
  notOperator: () => string;
  noFact: () => string;
  cannotPin: () => string;
  notPosted: () => string;
  stillPosting: () => string;
  usage: () => string;
  subscribed: (next: string) => string;
  unsubscribed: () => string;
  notSubscribed: () => string;
  subscription: (schedule: string) => string;
  broadcastUsage: () => string;
  broadcasting: (chats: string) => string;
  report: (counts: string) => string;
}

const T: Record<Lang, AnnounceTexts> = {
  'zh-Hans': ZH_HANS.announce,
  'zh-Hant': ZH_HANT.announce,
  en: EN.announce,
};

/**
 * Creator or administrator of this group (an anonymous admin posts as the group itself), or an
 * operator. In a private chat, the user is at home.
 */
async function isAdmin(ctx: BotContext, a: AnnounceDeps): Promise<boolean> {
  if (isGroup(ctx) && (ctx.message as { sender_chat?: { id: number } } | undefined)?.sender_chat?.id === ctx.chat!.id) return true;
  const userId = ctx.from?.id;
  if (userId === undefined) return false;
  if (a.adminIds.has(userId)) return true;
  if (!isGroup(ctx)) return ctx.chat?.type === 'private';
  try {
    const member = await ctx.telegram.getChatMember(ctx.chat!.id, userId);
    return member.status === 'creator' || member.status === 'administrator';
  } catch (err) {
    ctx.log.warn({ err }, 'getChatMember failed: treated as not an admin');
    return false;
  }
}

/** A refusal or usage line: threaded to the command, never dropped for the asker's own answer rate (reply.ts). */
const NOTICE = { notice: true } as const;

/** Announcements of a chat's own still being sent: beyond this, /announce waits for them. */
const MAX_OPEN_POSTS = 3;

/**
 * Records an announcement for this chat (the queue sends it) and returns its id, or undefined when
 * the chat is over its limits (it has been told, or the reply was dropped).
 */
async function postHere(ctx: BotContext, deps: BotDeps, a: AnnounceDeps, html: string): Promise<number | undefined> {
  const chatId = ctx.chat!.id;
  const lang = replyLang(ctx, deps);
  // A private /announce counts like any other message to that chat (a flood gets one "slow down").
  if (!isGroup(ctx)) {
    const verdict = ctx.limiter.reply(chatId, false, ctx.from?.id, 1);
    if (verdict !== 'send') {
      if (verdict === 'slowDown') await sendText(ctx, ctx.slowDownText(), { counted: true });
      return undefined;
    }
  }
  if ((await a.store.openPostsIn(chatId)) >= MAX_OPEN_POSTS) {
    await sendText(ctx, T[lang].stillPosting());
    return undefined;
  }
  const id = await retryBusy(() => a.store.announce(ctx.chat!.type === 'private' ? 'private' : 'group', html, [chatId], ctx.from?.id));
  a.queue.kick();
  return id;
}

/** Pins the announcement once the queue has sent it; tells the admin when it cannot. Not awaited by the handler. */
function pinWhenSent(ctx: BotContext, deps: BotDeps, a: AnnounceDeps, id: number): void {
  const chatId = ctx.chat!.id;
  const lang = replyLang(ctx, deps);
  void a.queue
    .delivered(id, chatId)
    .then(async (outcome) => {
      if (outcome !== 'sent') return sendText(ctx, T[lang].notPosted());
      const messageId = (await a.store.delivery(id, chatId))?.messageId;
      if (messageId == null) return sendText(ctx, T[lang].notPosted());
      try {
        await ctx.telegram.pinChatMessage(chatId, messageId, { disable_notification: true });
      } catch (err) {
        ctx.log.warn({ err }, 'pin failed');
        await sendText(ctx, T[lang].cannotPin());
      }
    })
    .catch((err: unknown) => ctx.log.warn({ err }, 'pin: the admin could not be told'));
}

/** How a schedule is said: every day, every Monday (每周一, weekly Mon). */
export interface CadenceWords {
  daily: string;
  weekly: (day: number) => string;
}

/** A schedule in the reply's language (每周一 09:30, weekly Mon 09:30), then the next post's time. */
const CADENCE: Record<Lang, CadenceWords> = {
  'zh-Hans': ZH_HANS.cadence,
  'zh-Hant': ZH_HANT.cadence,
  en: EN.cadence,
};
const describeSchedule = (s: { cadence: string; weekday: number | null; time: string; nextAt: number }, zone: string, lang: Lang) =>
  `${s.cadence === 'weekly' && s.weekday ? CADENCE[lang].weekly(s.weekday) : CADENCE[lang].daily} ${s.time} → ${formatTime(s.nextAt, zone)}`;

/** The report an operator gets when a broadcast is done (queued by Store.finish). */
export function broadcastReportHtml(report: Report, lang: Lang): string {
  return escapeHtml(T[lang].report(`sent ${report.sent}, failed ${report.failed}, removed ${report.removed}`));
}

export function announceFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const a = deps.announce;
  if (!a) return feature;

  feature.command('announce', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin(), NOTICE);
    const arg = ctx.payload.trim();
    const pin = /^pin$/i.test(arg);
    let html: string;
    if (!arg || pin) html = digestHtml(deps.engine, deps.render, lang);
    else {
      const result = deps.engine.answer(arg);
      if (!result.found) return sendText(ctx, T[lang].noFact(), NOTICE);
      html = render(result, 'html', deps.render, lang);
    }
    const id = await postHere(ctx, deps, a, html);
    if (pin && id !== undefined) pinWhenSent(ctx, deps, a, id);
  });

  feature.command('subscribe', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin(), NOTICE);
    const schedule = parseSchedule(ctx.payload);
    if (!schedule) return sendText(ctx, T[lang].usage(), NOTICE);
    const nextAt = nextOccurrence(schedule, deps.now(), a.zone);
    await retryBusy(() => a.store.subscribe({ chatId: ctx.chat.id, chatType: ctx.chat.type, ...schedule, nextAt, createdBy: ctx.from?.id }, deps.now()));
    await sendText(ctx, T[lang].subscribed(formatTime(nextAt, a.zone)));
  });

  feature.command('unsubscribe', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin(), NOTICE);
    const removed = await retryBusy(() => a.store.unsubscribe(ctx.chat.id));
    await sendText(ctx, removed ? T[lang].unsubscribed() : T[lang].notSubscribed());
  });

  feature.command('subscription', async (ctx) => {
    const lang = replyLang(ctx, deps);
    const s = await a.store.subscription(ctx.chat.id);
    await sendText(ctx, s ? T[lang].subscription(describeSchedule(s, a.zone, lang)) : T[lang].notSubscribed());
  });

  feature.command('broadcast', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (ctx.chat.type !== 'private' || !a.adminIds.has(ctx.from.id)) return sendText(ctx, T[lang].notOperator(), NOTICE);
    const arg = ctx.payload.trim();
    if (!arg) return sendText(ctx, T[lang].broadcastUsage(), NOTICE);
    const chats = (await retryBusy(() => a.store.subscriptions())).map((s) => s.chatId);
    const html = broadcastHtml(deps.engine, deps.render, arg, lang);
    // The report is queued for this chat by whichever process (replica) sends the last message.
    await retryBusy(() => a.store.announce('broadcast', html, chats, ctx.from.id, deps.now(), { chatId: ctx.chat.id, lang }));
    a.queue.kick();
    await sendText(ctx, T[lang].broadcasting(String(chats.length)));
  });

  return feature;
}
