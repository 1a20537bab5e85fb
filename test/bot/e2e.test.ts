/**
 * The real telegraf bot, polling a Bot API stand-in on 127.0.0.1 over HTTP: it is fed updates and
 * the test asserts on the calls it makes. The stand-in refuses what Telegram refuses (bad HTML, more
 * than 4096 characters, bad inline results), so every reply here is also valid for Telegram.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBot, registerCommands } from '../../src/bot/create-bot.js';
import { memorySettings } from '../../src/bot/deps.js';
import { storeQuestionLog } from '../../src/store/question-log.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { OutboundLimits } from '../../src/limits.js';
import { createLogger } from '../../src/log.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { until } from '../support/process.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine, ctx: render } = openEngine(TEST_KNOWLEDGE);
engine.warmUp();

let standin: BotApiStandin;
const dataDir = mkdtempSync(path.join(tmpdir(), 'e2e-'));
const store = new Store(path.join(dataDir, 'bot.sqlite'));
let stopBot: () => Promise<void>;
let clock = 1_000_000;
const sleeps: number[] = [];
const logLines: string[] = [];

/** Each test gets users and groups of its own, so limits and settings never leak between tests. */
let nextId = 1000;
const freshUser = () => ++nextId;
const freshGroup = () => -1_000_000_000_000 - ++nextId;

const sentTo = (chatId: number) => standin.sent().filter((m) => m.chat_id === chatId);
const textOf = (call: RecordedCall) => String(call.params.text ?? '');
/** Waits for the bot's next sendMessage to a chat. */
const reply = (chatId: number) => standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true);
let idle: () => Promise<void>;
/**
 * Gives the bot time to (not) act: a marker update in another chat, fetched after everything before
 * it; once it is answered, everything before it has been accepted, and then every update is done.
 */
async function settle(): Promise<void> {
  const marker = freshUser();
  standin.privateText('你好', { userId: marker });
  await reply(marker);
  await idle();
}

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 500 });
  const log = createLogger({ level: 'info', secrets: [standin.token], write: (line) => logLines.push(line) });
  const { bot, inFlight } = createBot(
    { token: standin.token, apiRoot: standin.url },
    {
      engine,
      render,
      log,
      settings: memorySettings(),
      limits: new OutboundLimits({}, () => clock),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      questionLog: storeQuestionLog(store, () => clock),
    },
  );
  await registerCommands(bot, engine);
  const running = bot.launch({ dropPendingUpdates: false });
  idle = () => inFlight.idle();
  stopBot = async () => {
    bot.stop('test done');
    await running;
    await inFlight.idle();
  };
});

afterAll(async () => {
  await stopBot();
  await standin.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  clock += 60_000;
});

describe('private chats', () => {
  it('answers a question with the quote and attribution, in valid HTML, in the asker’s script', async () => {
    const user = freshUser();
    standin.privateText('南沙落户要多久', { userId: user });
    const simplified = textOf(await reply(user));
    expect(simplified).toContain('只需10个工作日');
    expect(simplified).toContain('广州日报');
    expect(simplified).toContain('第2段');

    const other = freshUser();
    standin.privateText('南沙落戶要幾天', { userId: other });
    expect(textOf(await reply(other))).toContain('現在來南沙落戶');

    const english = freshUser();
    standin.privateText('How long does settling in Nansha take?', { userId: english });
    const en = textOf(await reply(english));
    expect(en).toMatch(/10 working days/);
    expect(en).toContain('Guangzhou Daily (廣州日報)');
  });

  it('never injects the user’s text into HTML', async () => {
    const user = freshUser();
    standin.privateText('<b>南沙</b><script>alert(1)</script>落户要多久 &amp; <i>', { userId: user });
    const call = await reply(user);
    expect(call.params.parse_mode).toBe('HTML');
    expect(textOf(call)).not.toContain('<script>');
  });

  it('/start shows example questions as buttons; pressing one answers it', async () => {
    const user = freshUser();
    standin.privateText('/start', { userId: user, languageCode: 'zh-hans' });
    const start = await reply(user);
    const keyboard = (start.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    expect(keyboard.length).toBeGreaterThanOrEqual(3);
    const button = keyboard[0]![0]!;
    expect(button.callback_data).toMatch(/^f:/);

    standin.clearCalls();
    standin.callbackQuery(button.callback_data, { userId: user, chatId: user, messageId: (start.response as { result: { message_id: number } }).result.message_id });
    const answered = await reply(user);
    expect(textOf(answered)).toContain('广州日报');
    await standin.waitFor('answerCallbackQuery');
  });

  it('a stale button gets a short notice, not a crash', async () => {
    const user = freshUser();
    standin.privateText('/help', { userId: user, languageCode: 'en' });
    const help = await reply(user);
    standin.callbackQuery('f:no-such-fact', { userId: user, chatId: user, messageId: (help.response as { result: { message_id: number } }).result.message_id });
    const notice = await standin.waitFor((c) => c.method === 'answerCallbackQuery' && typeof c.params.text === 'string');
    expect(String(notice.params.text)).toMatch(/expired/);
  });

  it('/source, /facts and /lang', async () => {
    const user = freshUser();
    standin.privateText('/source', { userId: user, languageCode: 'zh-hans' });
    const source = textOf(await reply(user));
    expect(source).toContain('广州日报');
    expect(source).toContain('430');

    standin.privateText('/facts', { userId: user, languageCode: 'zh-hans' });
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === user && textOf(c).includes('琶洲'));
    expect(sentTo(user).map((m) => String(m.text)).join('')).toContain('430');

    standin.privateText('/lang en', { userId: user });
    expect(textOf(await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === user && textOf(c).startsWith('OK')))).toContain('English');
    standin.privateText('南沙落户要多久', { userId: user });
    expect(textOf(await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === user && textOf(c).startsWith('Answer')))).toContain(
      'paragraph 2',
    );
  });

  it('no answer: a polite reply with suggested questions as buttons', async () => {
    const user = freshUser();
    standin.privateText('北京落户要多久', { userId: user });
    const call = await reply(user);
    expect(textOf(call)).toContain('抱歉');
    expect((call.params.reply_markup as { inline_keyboard: unknown[] }).inline_keyboard.length).toBeGreaterThan(0);
  });

  it('no confident answer: "did you mean" choices as buttons; a tap answers with the quote and its source, and is logged as the pick', async () => {
    const user = freshUser();
    standin.privateText('收审分离具体是怎么操作的,先交材料还是先审?', { userId: user });
    const call = await reply(user);
    const keyboard = (call.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    const choices = keyboard.flat().filter((b) => b.callback_data.startsWith('p:'));
    expect(choices.length).toBeGreaterThan(0);
    expect(textOf(call)).not.toContain(choices[0]!.text);
    for (const b of choices) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);

    standin.clearCalls();
    standin.callbackQuery(choices[0]!.callback_data, { userId: user, chatId: user, messageId: (call.response as { result: { message_id: number } }).result.message_id });
    const answered = textOf(await reply(user));
    expect(answered).toContain('广州日报');
    expect(answered).toContain(choices[0]!.text.replace(/…$/, ''));
    await standin.waitFor('answerCallbackQuery');
    const answerId = Number(choices[0]!.callback_data.split(':')[4]);
    const sentence = choices[0]!.callback_data.split(':')[3];
    await until(async () => (await store.question(answerId))?.picked !== undefined, 5_000);
    expect((await store.question(answerId))?.picked).toEqual({ article: 'guangzhou-daily-2019-07-16', sentence });
  });

  it('in a group, choices answer whoever taps them and are not logged as a pick', async () => {
    const group = freshGroup();
    standin.groupText('/ask 收审分离具体是怎么操作的,先交材料还是先审?', { chatId: group, userId: freshUser() });
    const call = await reply(group);
    const data = (call.params.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data);
    expect(data.some((d) => d.startsWith('c:'))).toBe(true);
    expect(data.some((d) => d.startsWith('p:'))).toBe(false);
  });

  it('a partial reply says what the article does not give, then quotes the closest sentence with its source', async () => {
    const user = freshUser();
    standin.privateText('三个零距离服务是哪三个', { userId: user });
    const call = await reply(user);
    const text = textOf(call);
    expect(text).toMatch(/^<b>文章提到了“三个零距离服务”，但没有[^<]*<\/b>/);
    expect(text).toMatch(/<blockquote>[^<]*三个零距离服务”惠及企业群众[^<]*<\/blockquote>/);
    expect(text).toContain('广州日报');
    expect(text).not.toContain('答：');
  });

  it('small talk and questions about the bot get help, never a quote', async () => {
    for (const q of ['今天广州天气怎么样', 'who are you', '/help@SomeBot']) {
      const user = freshUser();
      standin.privateText(q, { userId: user });
      const text = textOf(await reply(user));
      expect(text, q).not.toMatch(/答：|原文：|Answer:|第\d段|paragraph \d/);
    }
  });

  it('a sticker, photo or voice message gets a one-line hint', async () => {
    const user = freshUser();
    standin.sticker({ userId: user });
    expect(textOf(await reply(user))).toMatch(/文字|text/);
  });

  it('registers the command menu in English and Chinese', async () => {
    expect(standin.commandsFor({ type: 'default' }, 'en')?.map((c) => c.command)).toContain('ask');
    expect(standin.commandsFor({ type: 'default' }, 'zh')?.[0]?.description).toMatch(/提问.*｜提問/);
  });
});

describe('groups', () => {
  it('answers /ask, /ask@botname, a mention and a reply to the bot, replying to the asker; ignores chatter', async () => {
    const group = freshGroup();
    const [a, b, c, d, e] = [freshUser(), freshUser(), freshUser(), freshUser(), freshUser()];
    standin.groupText('今天午饭吃什么', { chatId: group, userId: a });
    standin.groupText('南沙落户要多久', { chatId: group, userId: a });
    await settle();
    expect(sentTo(group)).toHaveLength(0);

    const ask = standin.groupText('/ask 南沙落户要多久', { chatId: group, userId: b });
    const first = await reply(group);
    expect(textOf(first)).toContain('10个工作日');
    expect((first.params.reply_parameters as { message_id: number }).message_id).toBe(ask.message!.message_id);

    standin.groupText('/ask@reform_qa_bot 琶洲驿站几点关门', { chatId: group, userId: c });
    await standin.waitFor((x) => x.method === 'sendMessage' && x.params.chat_id === group && textOf(x).includes('不打烊'));

    standin.groupText('@reform_qa_bot 广州取消了多少证明事项', { chatId: group, userId: d });
    await standin.waitFor((x) => x.method === 'sendMessage' && x.params.chat_id === group && textOf(x).includes('430'));

    standin.groupText('不见面审批有几项', { chatId: group, userId: e, replyToBotMessageId: (first.response as { result: { message_id: number } }).result.message_id });
    await standin.waitFor((x) => x.method === 'sendMessage' && x.params.chat_id === group && textOf(x).includes('128'));
    expect(sentTo(group)).toHaveLength(4);
  });

  it('one answer per user every few seconds, at most 20 messages a minute per group; excess dropped quietly', async () => {
    const group = freshGroup();
    const user = freshUser();
    standin.groupText('/ask 南沙落户要多久', { chatId: group, userId: user });
    standin.groupText('/ask 琶洲驿站几点关门', { chatId: group, userId: user });
    await settle();
    expect(sentTo(group)).toHaveLength(1);

    for (let i = 0; i < 25; i++) standin.groupText('/ask 南沙落户要多久', { chatId: group, userId: freshUser() });
    await settle();
    expect(sentTo(group)).toHaveLength(20);
  });

  it('introduces itself once when added to a group', async () => {
    const group = freshGroup();
    standin.botAddedToGroup({ chatId: group, userId: freshUser() });
    const intro = await reply(group);
    expect(textOf(intro)).toMatch(/reform_qa_bot/);
    await settle();
    expect(sentTo(group)).toHaveLength(1);
  });
});

type Keyboard = { text: string; callback_data: string }[][];
const keyboardOf = (call: RecordedCall): Keyboard => ((call.params.reply_markup as { inline_keyboard?: Keyboard } | undefined)?.inline_keyboard ?? []);
const messageIdOf = (call: RecordedCall): number => (call.response as { result: { message_id: number } }).result.message_id;

describe('buttons under an answer', () => {
  it('context shows the whole paragraph, the quote in bold, in an expandable blockquote, with its source', async () => {
    const user = freshUser();
    standin.privateText('南沙落户要多久', { userId: user });
    const answer = await reply(user);
    const context = keyboardOf(answer).flat().find((b) => b.text === '上下文')!;
    expect(Buffer.byteLength(context.callback_data)).toBeLessThanOrEqual(64);
    standin.clearCalls();
    standin.callbackQuery(context.callback_data, { userId: user, chatId: user, messageId: messageIdOf(answer) });
    const shown = textOf(await reply(user));
    expect(shown).toMatch(/^<b>上下文（第2段）<\/b>\n<blockquote expandable>/);
    // Paragraph 2 whole: its first and last sentences, the quoted one in bold.
    expect(shown).toContain('证照做“减法”的背后是老百姓获得感的“加法”。');
    expect(shown).toContain('24小时“不打烊”。');
    expect(shown).toContain('<b>现在来南沙落户,不仅材料交得少了,从申报到落户只需10个工作日即可。</b>');
    expect(shown).toContain('广州日报');
    await standin.waitFor('answerCallbackQuery');
  });

  it('in English: the translated paragraph, then the original', async () => {
    const user = freshUser();
    standin.privateText('How long does settling in Nansha take?', { userId: user });
    const answer = await reply(user);
    const context = keyboardOf(answer).flat().find((b) => b.text === 'Context')!;
    standin.clearCalls();
    standin.callbackQuery(context.callback_data, { userId: user, chatId: user, messageId: messageIdOf(answer) });
    const shown = textOf(await reply(user));
    expect(shown).toMatch(/<blockquote expandable>.*<b>[^<]*10 working days[^<]*<\/b>.*<\/blockquote>.*<blockquote expandable>.*<b>現在來南沙落戶/s);
  });

  it('in a group, context replaces the bot’s own answer instead of adding a message; no vote buttons there', async () => {
    const group = freshGroup();
    const user = freshUser();
    standin.groupText('/ask 南沙落户要多久', { chatId: group, userId: user });
    const answer = await reply(group);
    const buttons = keyboardOf(answer).flat();
    expect(buttons.map((b) => b.text)).toEqual(['上下文']);
    const before = sentTo(group).length;
    standin.callbackQuery(buttons[0]!.callback_data, { userId: user, chatId: group, messageId: messageIdOf(answer) });
    const edit = await standin.waitFor((c) => c.method === 'editMessageText' && c.params.chat_id === group && c.response?.ok === true);
    expect(edit.params.message_id).toBe(messageIdOf(answer));
    expect(textOf(edit)).toContain('<blockquote expandable>');
    await settle();
    expect(sentTo(group)).toHaveLength(before);
  });

  it('an inline result carries the context button; pressed, it shows the paragraph in place', async () => {
    standin.clearCalls();
    standin.inlineQuery('南沙落户要多久', { userId: freshUser() });
    const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true);
    const first = (call.params.results as { reply_markup?: { inline_keyboard: Keyboard } }[])[0]!;
    const data = first.reply_markup!.inline_keyboard[0]![0]!.callback_data;
    standin.callbackQuery(data, { userId: freshUser(), inlineMessageId: 'inline-1' });
    const edit = await standin.waitFor((c) => c.method === 'editMessageText' && c.params.inline_message_id === 'inline-1');
    expect(textOf(edit)).toContain('<b>现在来南沙落户');
  });

  it('👍/👎 in a private chat: acknowledged, the vote buttons leave the message, the vote is kept without any user id', async () => {
    const user = freshUser();
    standin.privateText('我的电话是13800138000，南沙落户要多久', { userId: user });
    const answer = await reply(user);
    const down = keyboardOf(answer).flat().find((b) => b.text === '👎')!;
    expect(down.callback_data).toMatch(/^v:-:\d+:[\w-]{8}$/);
    standin.clearCalls();
    standin.callbackQuery(down.callback_data, { userId: user, chatId: user, messageId: messageIdOf(answer), languageCode: 'zh-hans' });
    const ack = await standin.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(String(ack.params.text)).toContain('谢谢');
    const edit = await standin.waitFor((c) => c.method === 'editMessageReplyMarkup' && c.response?.ok === true);
    expect(keyboardOf(edit).flat().map((b) => b.text)).toEqual(['上下文']);
    const kept = (await store.question(Number(down.callback_data.split(':')[2])))!;
    expect(kept).toMatchObject({ vote: -1, outcome: 'answered', sentence: 'p2s5', door: 'private' });
    expect(kept.question).toBe('我的电话是<number>,南沙落户要多久');
    // Nothing in the database (file and write-ahead log) carries the phone number or the user's id.
    for (const file of ['bot.sqlite', 'bot.sqlite-wal']) {
      const bytes = existsSync(path.join(dataDir, file)) ? readFileSync(path.join(dataDir, file)).toString('latin1') : '';
      expect(bytes).not.toContain('13800138000');
    }
    const reader = new Database(path.join(dataDir, 'bot.sqlite'), { readonly: true });
    const columns = (reader.prepare('PRAGMA table_info(questions)').all() as { name: string }[]).map((c) => c.name);
    reader.close();
    expect(columns).toEqual(['id', 'at', 'door', 'lang', 'question', 'outcome', 'score', 'article', 'sentence', 'latency_ms', 'vote', 'voted_at', 'picked_article', 'picked_sentence', 'picked_at', 'learned']);

    // A second press (or a stale button) gets the short notice.
    standin.clearCalls();
    standin.callbackQuery(down.callback_data, { userId: user, chatId: user, messageId: messageIdOf(answer), languageCode: 'zh-hans' });
    const again = await standin.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(String(again.params.text)).toMatch(/过期/);
  });
});

describe('follow-up questions', () => {
  it('a private chat reads an elliptical question with its last subject and says so; another chat inherits nothing', async () => {
    const user = freshUser();
    const waitText = (chatId: number, text: string) =>
      standin.waitFor((x) => x.method === 'sendMessage' && x.params.chat_id === chatId && x.response?.ok === true && textOf(x).includes(text));
    standin.privateText('琶洲那个驿站是做什么的', { userId: user });
    await waitText(user, '琶洲');
    clock += 5_000;
    standin.privateText('能办多少项？', { userId: user });
    const count = textOf(await waitText(user, '接着问'));
    expect(count).toContain('（接着问：琶洲驿站）');
    expect(count).toContain('100项');
    clock += 5_000;
    standin.privateText('在哪个区？', { userId: user });
    // The short answer (bold) names the district; the quote of every reply here already does.
    expect(textOf(await waitText(user, '<b>海珠区'))).toContain('（接着问：琶洲驿站）');

    const other = freshUser();
    standin.privateText('能办多少项？', { userId: other });
    const alone = textOf(await reply(other));
    expect(alone).not.toContain('接着问');
    expect(alone).not.toContain('100项');
  });

  it('in a group each user’s questions are their own conversation', async () => {
    const group = freshGroup();
    const [a, b] = [freshUser(), freshUser()];
    standin.groupText('/ask Tell me about the unstaffed station in Pazhou', { chatId: group, userId: a });
    await reply(group);
    clock += 10_000;
    standin.groupText('/ask Which district is it in?', { chatId: group, userId: a });
    const followUp = await standin.waitFor((x) => x.method === 'sendMessage' && x.params.chat_id === group && textOf(x).includes('Follow-up on'));
    expect(textOf(followUp)).toMatch(/Haizhu/);
    clock += 10_000;
    standin.groupText('/ask how many services?', { chatId: group, userId: b });
    await settle();
    const last = sentTo(group).at(-1)!;
    expect(String(last.text)).not.toContain('Follow-up on');
  });
});

describe('inline mode', () => {
  it('offers up to five attributed answers; an empty query offers the key facts', async () => {
    standin.inlineQuery('琶洲驿站', { userId: freshUser() });
    const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true);
    const results = call.params.results as { title: string; input_message_content: { message_text: string } }[];
    expect(results.length).toBeGreaterThan(1);
    expect(results.length).toBeLessThanOrEqual(5);
    for (const r of results) expect(r.input_message_content.message_text).toContain('广州日报');

    standin.clearCalls();
    standin.inlineQuery('', { userId: freshUser(), languageCode: 'en' });
    const empty = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true);
    expect((empty.params.results as unknown[]).length).toBe(5);
  });

  it('offers a partial reply as one result whose title says what the article does not give', async () => {
    standin.clearCalls();
    standin.inlineQuery('三个零距离服务是哪三个', { userId: freshUser() });
    const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true);
    const results = call.params.results as { title: string; input_message_content: { message_text: string } }[];
    expect(results).toHaveLength(1);
    expect(results[0]!.title).toMatch(/^文章提到了/);
    expect(results[0]!.input_message_content.message_text).toContain('广州日报');
  });

  it('answers as the question is typed: 南沙落, nansh and how long does sett offer the 10-working-days answer', async () => {
    for (const typed of ['南沙落', 'nansh', 'how long does sett']) {
      standin.clearCalls();
      standin.inlineQuery(typed, { userId: freshUser() });
      const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true);
      const results = call.params.results as { input_message_content: { message_text: string } }[];
      expect(results.length, typed).toBeGreaterThan(0);
      expect(results[0]!.input_message_content.message_text, typed).toMatch(/10个工作日|10 working days/);
    }
  });

  it('ignores a message posted through its own inline mode', async () => {
    const user = freshUser();
    const update = standin.privateText('南沙落户要多久', { userId: user, enqueue: false });
    standin.pushUpdate({ message: { ...update.message!, via_bot: standin.bot } });
    await settle();
    expect(sentTo(user)).toHaveLength(0);
  });
});

describe('odd updates and faults', () => {
  it('edited messages, channel posts, service messages, group stickers: no crash, no reply', async () => {
    const group = freshGroup();
    const user = freshUser();
    standin.editedText('南沙落户要多久', { userId: user, messageId: 1 });
    standin.channelPost('南沙落户要多久');
    standin.sticker({ chatId: group, userId: user });
    standin.photo({ chatId: group, userId: user, caption: '南沙落户要多久' });
    standin.voice({ chatId: group, userId: user });
    standin.newChatMembers([standin.user({ userId: freshUser() })], { chatId: group });
    standin.leftChatMember(freshUser(), { chatId: group });
    standin.myChatMember({ chatId: group, oldStatus: 'member', newStatus: 'kicked' });
    await settle();
    expect(sentTo(group)).toHaveLength(0);
    expect(sentTo(user)).toHaveLength(0);
  });

  it('a 429 waits retry_after and retries; 5xx back off and retry', async () => {
    const user = freshUser();
    sleeps.length = 0;
    standin.failNext('sendMessage', { status: 429, retry_after: 2 });
    standin.privateText('南沙落户要多久', { userId: user });
    expect(textOf(await reply(user))).toContain('10个工作日');
    expect(sleeps).toContain(2000);

    const other = freshUser();
    standin.failNext('sendMessage', { status: 500 }, 2);
    standin.privateText('琶洲驿站几点关门', { userId: other });
    expect(textOf(await reply(other))).toContain('不打烊');
    expect(sleeps.slice(1)).toEqual([500, 1000]);
  });

  it('gives up after a bounded number of retries, logs, and goes on answering', async () => {
    const user = freshUser();
    standin.failNext('sendMessage', { status: 500 }, 10);
    standin.privateText('南沙落户要多久', { userId: user });
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === user && c.response?.ok === false);
    await new Promise((r) => setTimeout(r, 200));
    standin.clearFaults();
    expect(logLines.some((l) => l.includes('"update failed"'))).toBe(true);
    await settle();
  });

  it('no log line carries the token', async () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(standin.token);
  });
});

describe('a Bot API server that sends no entities', () => {
  it('still finds /ask and @botname', async () => {
    const group = freshGroup();
    const ask = standin.groupText('/ask@reform_qa_bot 南沙落户要多久', { chatId: group, userId: freshUser(), entities: [], enqueue: false });
    standin.pushUpdate({ message: { ...ask.message!, entities: undefined } });
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === group && textOf(c).includes('10个工作日'));
    const mention = standin.groupText('@reform_qa_bot 琶洲驿站几点关门', { chatId: group, userId: freshUser(), entities: [], enqueue: false });
    standin.pushUpdate({ message: { ...mention.message!, entities: undefined } });
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === group && textOf(c).includes('不打烊'));
  });
});
