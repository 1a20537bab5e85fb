/**
 * Announcements. In a group, admins (creator or administrator, or an operator in ADMIN_IDS) can
 * /announce the digest of key facts (/announce pin also pins it), /announce one fact by keyword,
 * /subscribe to a fact a day or a week, /unsubscribe, and see /subscription. In a private chat anyone
 * can subscribe themselves. Operators /broadcast to every subscribed chat. Everything posted goes
 * through the delivery queue.
 */
import { Composer } from 'telegraf';
import { broadcastHtml, digestHtml } from '../../announce/content.js';
import { formatTime, nextOccurrence, parseSchedule } from '../../announce/schedule.js';
import type { Lang } from '../../knowledge/schema.js';
import { render } from '../../qa/render.js';
import type { AnnounceDeps, BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { isGroup, sendText } from '../reply.js';
import { retryBusy } from '../../store/store.js';

interface AnnounceTexts {
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
  'zh-Hans': {
    notAdmin: () => '只有群管理员可以这样做。',
    notOperator: () => '只有运营者可以群发。',
    noFact: () => '没有找到相关的要点。',
    cannotPin: () => '已发布，但我没有置顶权限：请在群设置里给我“置顶消息”的权限。',
    notPosted: () => '没能发布，所以也没有置顶。',
    stillPosting: () => '前面的公告还在发送，请稍后再发。',
    usage: () => '用法：/subscribe daily 09:00 或 /subscribe weekly mon 09:00',
    subscribed: (t) => `已订阅，下一次：${t}`,
    unsubscribed: () => '已取消订阅。',
    notSubscribed: () => '这里没有订阅。/subscribe daily 09:00 可以订阅。',
    subscription: (t) => `订阅：${t}`,
    broadcastUsage: () => '用法：/broadcast 文字或要点关键词',
    broadcasting: (n) => `开始群发到 ${n} 个会话。`,
    report: (r) => `群发完成：${r}`,
  },
  'zh-Hant': {
    notAdmin: () => '只有群組管理員可以這樣做。',
    notOperator: () => '只有營運者可以群發。',
    noFact: () => '沒有找到相關的要點。',
    cannotPin: () => '已發布，但我沒有置頂權限：請在群組設定給我「置頂訊息」的權限。',
    notPosted: () => '沒能發布，所以也沒有置頂。',
    stillPosting: () => '前面的公告還在發送，請稍後再發。',
    usage: () => '用法：/subscribe daily 09:00 或 /subscribe weekly mon 09:00',
    subscribed: (t) => `已訂閱，下一次：${t}`,
    unsubscribed: () => '已取消訂閱。',
    notSubscribed: () => '這裡沒有訂閱。/subscribe daily 09:00 可以訂閱。',
    subscription: (t) => `訂閱：${t}`,
    broadcastUsage: () => '用法：/broadcast 文字或要點關鍵詞',
    broadcasting: (n) => `開始群發到 ${n} 個對話。`,
    report: (r) => `群發完成：${r}`,
  },
  en: {
    notAdmin: () => 'Only group admins can do that.',
    notOperator: () => 'Only operators can broadcast.',
    noFact: () => 'No fact matches that.',
    cannotPin: () => 'Posted, but I may not pin: give me the "Pin messages" right in the group settings.',
    notPosted: () => 'It could not be posted, so it is not pinned.',
    stillPosting: () => 'The previous announcements are still being posted: try again in a moment.',
    usage: () => 'Usage: /subscribe daily 09:00 or /subscribe weekly mon 09:00',
    subscribed: (t) => `Subscribed. Next post: ${t}`,
    unsubscribed: () => 'Unsubscribed.',
    notSubscribed: () => 'No subscription here. /subscribe daily 09:00 subscribes.',
    subscription: (t) => `Subscription: ${t}`,
    broadcastUsage: () => 'Usage: /broadcast <text or fact keyword>',
    broadcasting: (n) => `Broadcasting to ${n} chats.`,
    report: (r) => `Broadcast done: ${r}`,
  },
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
  if (a.store.openPostsIn(chatId) >= MAX_OPEN_POSTS) {
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
      const messageId = a.store.delivery(id, chatId)?.messageId;
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

/** A schedule in the reply's language (每周一 09:30, weekly Mon 09:30), then the next post's time. */
const CADENCE: Record<Lang, { daily: string; weekly: (day: number) => string }> = {
  'zh-Hans': { daily: '每天', weekly: (d) => `每周${'一二三四五六日'[d - 1]}` },
  'zh-Hant': { daily: '每天', weekly: (d) => `每週${'一二三四五六日'[d - 1]}` },
  en: { daily: 'daily', weekly: (d) => `weekly ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]}` },
};
const describeSchedule = (s: { cadence: string; weekday: number | null; time: string; nextAt: number }, zone: string, lang: Lang) =>
  `${s.cadence === 'weekly' && s.weekday ? CADENCE[lang].weekly(s.weekday) : CADENCE[lang].daily} ${s.time} → ${formatTime(s.nextAt, zone)}`;

export function announceFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const a = deps.announce;
  if (!a) return feature;

  feature.command('announce', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin());
    const arg = ctx.payload.trim();
    const pin = /^pin$/i.test(arg);
    let html: string;
    if (!arg || pin) html = digestHtml(deps.engine, deps.render, lang);
    else {
      const result = deps.engine.answer(arg);
      if (!result.found) return sendText(ctx, T[lang].noFact());
      html = render(result, 'html', deps.render, lang);
    }
    const id = await postHere(ctx, deps, a, html);
    if (pin && id !== undefined) pinWhenSent(ctx, deps, a, id);
  });

  feature.command('subscribe', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin());
    const schedule = parseSchedule(ctx.payload);
    if (!schedule) return sendText(ctx, T[lang].usage());
    const nextAt = nextOccurrence(schedule, deps.now(), a.zone);
    await retryBusy(() => a.store.subscribe({ chatId: ctx.chat.id, chatType: ctx.chat.type, ...schedule, nextAt, createdBy: ctx.from?.id }, deps.now()));
    await sendText(ctx, T[lang].subscribed(formatTime(nextAt, a.zone)));
  });

  feature.command('unsubscribe', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (!(await isAdmin(ctx, a))) return sendText(ctx, T[lang].notAdmin());
    const removed = await retryBusy(() => a.store.unsubscribe(ctx.chat.id));
    await sendText(ctx, removed ? T[lang].unsubscribed() : T[lang].notSubscribed());
  });

  feature.command('subscription', async (ctx) => {
    const lang = replyLang(ctx, deps);
    const s = a.store.subscription(ctx.chat.id);
    await sendText(ctx, s ? T[lang].subscription(describeSchedule(s, a.zone, lang)) : T[lang].notSubscribed());
  });

  feature.command('broadcast', async (ctx) => {
    const lang = replyLang(ctx, deps);
    if (ctx.chat.type !== 'private' || !a.adminIds.has(ctx.from.id)) return sendText(ctx, T[lang].notOperator());
    const arg = ctx.payload.trim();
    if (!arg) return sendText(ctx, T[lang].broadcastUsage());
    const chats = a.store.subscriptions().map((s) => s.chatId);
    const html = broadcastHtml(deps.engine, deps.render, arg, lang);
    const id = await retryBusy(() => a.store.announce('broadcast', html, chats, ctx.from.id));
    a.queue.kick();
    await sendText(ctx, T[lang].broadcasting(String(chats.length)));
    // The report comes when the queue is done, which may take minutes: not awaited by the handler.
    void a.queue
      .done(id)
      .then((r) => sendText(ctx, T[lang].report(`sent ${r.sent}, failed ${r.failed}, removed ${r.removed}`)))
      .catch((err: unknown) => ctx.log.warn({ err }, 'broadcast report not delivered'));
  });

  return feature;
}
