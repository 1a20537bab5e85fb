/** Checks the Bot API stand-in itself: with plain fetch, with telegraf's client, and with a launched bot. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, TelegramError } from 'telegraf';
import { message } from 'telegraf/filters';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  BotApiStandin,
  type Update,
  autoEntities,
  parseTelegramHtml,
  postUpdate,
  startStandin,
} from './bot-api-standin.js';

let s: BotApiStandin;
let tg: Telegraf['telegram'];

beforeEach(async () => {
  s = await startStandin();
  tg = new Telegraf(s.token, { telegram: { apiRoot: s.url } }).telegram;
});
afterEach(async () => {
  await s.close();
});

async function api(method: string, body: unknown = {}, token?: string): Promise<{ status: number; json: ApiResponse }> {
  const res = await fetch(s.methodUrl(method, token), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, json: (await res.json()) as ApiResponse };
}

/** The TelegramError a telegraf call rejects with. */
async function telegramError(p: Promise<unknown>): Promise<TelegramError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TelegramError) return e;
    throw e;
  }
  throw new Error('expected the call to reject');
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('HTTP surface', () => {
  it('answers getMe with the configured identity, 401 for another token, 404 for an unknown method', async () => {
    const me = await api('getMe');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ ok: true, result: { id: 123456, is_bot: true, username: 'reform_qa_bot' } });

    expect(await api('getMe', {}, '999:nope')).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await api('sendSomethingOdd')).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: 'Not Found: method not found' },
    });
    expect(s.calls.map((c) => c.method)).toEqual(['getMe', 'getMe', 'sendSomethingOdd']);
  });

  it('accepts application/x-www-form-urlencoded bodies and case-insensitive method names', async () => {
    const body = new URLSearchParams({
      chat_id: '42',
      text: '<b>hi</b>',
      parse_mode: 'HTML',
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }),
    });
    const res = await fetch(s.methodUrl('sendmessage'), { method: 'POST', body, signal: AbortSignal.timeout(5000) });
    const json = (await res.json()) as ApiResponse;
    expect(json).toMatchObject({ ok: true, result: { chat: { id: 42, type: 'private' }, text: 'hi', entities: [{ type: 'bold', offset: 0, length: 2 }] } });
    expect(s.sent()).toEqual([expect.objectContaining({ chat_id: 42, text: '<b>hi</b>' })]);
  });

  it('reports the bot identity given as an option', async () => {
    const other = await startStandin({ token: '777:abc', bot: { username: 'other_bot', first_name: 'Other' } });
    try {
      const me = await new Telegraf(other.token, { telegram: { apiRoot: other.url } }).telegram.getMe();
      expect(me).toMatchObject({ id: 777, username: 'other_bot', first_name: 'Other' });
    } finally {
      await other.close();
    }
  });
});

describe('sendMessage through telegraf', () => {
  it('returns a realistic Message with per-chat ids, reply_to_message and the inline keyboard', async () => {
    const first = await tg.sendMessage(42, 'hello');
    expect(first).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, from: { id: 123456, is_bot: true }, text: 'hello' });
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);

    const keyboard = { inline_keyboard: [[{ text: 'More', callback_data: 'more:1' }, { text: 'Site', url: 'https://example.org' }]] };
    const second = await tg.sendMessage(42, 'with markup', { reply_parameters: { message_id: first.message_id }, reply_markup: keyboard });
    expect(second.message_id).toBe(2);
    expect(second.reply_to_message).toMatchObject({ message_id: 1, text: 'hello' });
    expect(second.reply_markup).toEqual(keyboard);

    const group = await tg.sendMessage(-1001, 'in a group');
    expect(group).toMatchObject({ message_id: 1, chat: { id: -1001, type: 'group' } });
    expect(s.sent().map((p) => p.text)).toEqual(['hello', 'with markup', 'in a group']);
  });

  it('refuses a reply to a message it does not know unless allowed', async () => {
    const err = await telegramError(tg.sendMessage(42, 'x', { reply_parameters: { message_id: 99 } }));
    expect(err.description).toBe('Bad Request: message to be replied not found');
    await expect(tg.sendMessage(42, 'x', { reply_parameters: { message_id: 99, allow_sending_without_reply: true } })).resolves.toBeTruthy();
  });

  it('rejects an unknown HTML tag with 400 can\'t parse entities', async () => {
    const err = await telegramError(tg.sendMessage(42, 'see <article>here</article>', { parse_mode: 'HTML' }));
    expect(err.code).toBe(400);
    expect(err.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "article" at byte offset 4');
    expect(s.sent()).toEqual([]);
  });

  it('rejects unbalanced and mismatched tags', async () => {
    const unclosed = await telegramError(tg.sendMessage(42, '<b>bold', { parse_mode: 'HTML' }));
    expect(unclosed.code).toBe(400);
    expect(unclosed.description).toMatch(/^Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"/);

    const crossed = await telegramError(tg.sendMessage(42, '<b><i>x</b></i>', { parse_mode: 'HTML' }));
    expect(crossed.description).toContain('Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');

    const stray = await telegramError(tg.sendMessage(42, 'x</b>', { parse_mode: 'HTML' }));
    expect(stray.description).toContain('Unexpected end tag');
  });

  it('rejects a bare "<", an unknown entity and a span without the spoiler class', async () => {
    for (const text of ['1 < 2', '&nbsp;x', '<span>x</span>', '<a>no href</a>']) {
      const err = await telegramError(tg.sendMessage(42, text, { parse_mode: 'HTML' }));
      expect(err.code, text).toBe(400);
      expect(err.description, text).toMatch(/^Bad Request: can't parse entities: /);
    }
  });

  it('counts the visible text: 4097 characters fail, 4096 pass, entities do not count', async () => {
    const long = await telegramError(tg.sendMessage(42, 'a'.repeat(4097)));
    expect(long.code).toBe(400);
    expect(long.description).toBe('Bad Request: message is too long');
    const longHtml = await telegramError(tg.sendMessage(42, `<b>${'a'.repeat(4097)}</b>`, { parse_mode: 'HTML' }));
    expect(longHtml.description).toBe('Bad Request: message is too long');
    // UTF-16 code units: 2049 emoji are 4098 units
    const emoji = await telegramError(tg.sendMessage(42, '😀'.repeat(2049)));
    expect(emoji.description).toBe('Bad Request: message is too long');

    await expect(tg.sendMessage(42, 'a'.repeat(4096))).resolves.toBeTruthy();

    // 16 000 raw characters, 4 000 visible
    const heavy = '<b>&lt;</b><i>&gt;</i>&amp;&#x4E2D;'.repeat(1000);
    expect(heavy.length).toBeGreaterThan(4096 * 8);
    const msg = await tg.sendMessage(42, heavy, { parse_mode: 'HTML' });
    expect(msg.text).toBe('<>&中'.repeat(1000));
    expect(msg.entities).toHaveLength(2000);
    expect(msg.entities?.[1]).toEqual({ type: 'italic', offset: 1, length: 1 });
  });

  it('rejects empty text and trims whitespace like Telegram', async () => {
    expect((await telegramError(tg.sendMessage(42, '   \n'))).description).toBe('Bad Request: message text is empty');
    expect((await telegramError(tg.sendMessage(42, '<b> </b>', { parse_mode: 'HTML' }))).description).toBe('Bad Request: message text is empty');
    const msg = await tg.sendMessage(42, '  <i> hi </i>  ', { parse_mode: 'HTML' });
    expect(msg.text).toBe('hi');
    expect(msg.entities).toEqual([{ type: 'italic', offset: 0, length: 2 }]);
  });

  it('validates inline keyboards', async () => {
    const send = (button: Record<string, unknown>) =>
      telegramError(tg.sendMessage(42, 'x', { reply_markup: { inline_keyboard: [[button as never]] } }));
    expect((await send({ text: 'no action' })).description).toContain('Text buttons are unallowed in the inline keyboard');
    expect((await send({ callback_data: 'x' })).description).toContain('Field "text" must be of type String');
    expect((await send({ text: 'two', callback_data: 'x', url: 'https://example.org' })).description).toContain('exactly one');
    expect((await send({ text: 'long', callback_data: 'é'.repeat(33) })).description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect((await send({ text: 'empty', callback_data: '' })).description).toBe('Bad Request: BUTTON_DATA_INVALID');
    await expect(
      tg.sendMessage(42, 'ok', {
        reply_markup: {
          inline_keyboard: [
            [{ text: 'a', callback_data: 'x'.repeat(64) }],
            [{ text: 'b', switch_inline_query: '' }, { text: 'c', switch_inline_query_current_chat: 'q' }],
          ],
        },
      }),
    ).resolves.toBeTruthy();
  });

  it('edits a message of the bot and refuses an edit that changes nothing', async () => {
    const m = await tg.sendMessage(42, 'v1');
    const edited = await tg.editMessageText(42, m.message_id, undefined, '<b>v2</b>', { parse_mode: 'HTML' });
    expect(edited).toMatchObject({ message_id: m.message_id, text: 'v2', entities: [{ type: 'bold', offset: 0, length: 2 }] });
    const same = await telegramError(tg.editMessageText(42, m.message_id, undefined, '<b>v2</b>', { parse_mode: 'HTML' }));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await telegramError(tg.editMessageText(42, 999, undefined, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
  });
});

describe('fault injection', () => {
  it('429 reaches the caller as a TelegramError with parameters.retry_after, then calls succeed again', async () => {
    s.failNext('sendMessage', { status: 429, retry_after: 1 });
    const err = await telegramError(tg.sendMessage(42, 'hi'));
    expect(err.code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 1');
    expect(err.parameters?.retry_after).toBe(1);
    await expect(tg.sendMessage(42, 'hi')).resolves.toMatchObject({ text: 'hi' });
    expect(s.callsTo('sendMessage').map((c) => c.response?.ok)).toEqual([false, true]);
  });

  it('500, 403 and count', async () => {
    s.failNext('sendMessage', { status: 500 }, 2);
    s.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    for (let k = 0; k < 2; k++) {
      const err = await telegramError(tg.sendMessage(42, 'x'));
      expect(err.code).toBe(500);
    }
    const blocked = await telegramError(tg.sendMessage(42, 'x'));
    expect(blocked.code).toBe(403);
    expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
    await expect(tg.sendMessage(42, 'x')).resolves.toBeTruthy();
  });

  it('networkError destroys the socket without a response', async () => {
    s.failNext('getMe', { networkError: true });
    await expect(tg.getMe()).rejects.toMatchObject({ name: 'FetchError' });
    expect(s.calls[0]).toMatchObject({ method: 'getMe', state: 'dropped', response: null });
    await expect(tg.getMe()).resolves.toMatchObject({ username: 'reform_qa_bot' });
  });
});

describe('updates and long polling', () => {
  it('getUpdates waits for a pushed update and honours offset', async () => {
    const started = Date.now();
    const poll = api('getUpdates', { timeout: 30, offset: 0 });
    setTimeout(() => s.privateText('hello', { userId: 7 }), 150);
    const { json } = await poll;
    expect(Date.now() - started).toBeLessThan(900);
    expect(json.ok).toBe(true);
    const updates = (json as { result: Update[] }).result;
    expect(updates).toHaveLength(1);
    expect(updates[0]?.message).toMatchObject({ text: 'hello', chat: { id: 7, type: 'private' }, from: { id: 7, language_code: 'en' } });

    const second = s.privateText('again', { userId: 7 });
    // not confirmed yet: both come back
    const both = (await api('getUpdates', { offset: 0 })).json as { result: Update[] };
    expect(both.result.map((u) => u.update_id)).toEqual([updates[0]!.update_id, second.update_id]);
    // confirming the first one
    const rest = (await api('getUpdates', { offset: second.update_id, limit: 5 })).json as { result: Update[] };
    expect(rest.result.map((u) => u.message?.text)).toEqual(['again']);
    // confirming everything; a long poll with nothing to deliver ends at the cap (1 s by default)
    const t0 = Date.now();
    const none = (await api('getUpdates', { offset: second.update_id + 1, timeout: 50 })).json as { result: Update[] };
    expect(none.result).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(s.pendingUpdates()).toEqual([]);
  });

  it('honours limit and allowed_updates, and a newer poll terminates an older one with 409', async () => {
    s.privateText('one');
    s.inlineQuery('two');
    s.privateText('three');
    const limited = (await api('getUpdates', { limit: 2 })).json as { result: Update[] };
    expect(limited.result).toHaveLength(2);
    const onlyInline = (await api('getUpdates', { allowed_updates: ['inline_query'] })).json as { result: Update[] };
    expect(onlyInline.result.map((u) => u.inline_query?.query)).toEqual(['two']);

    const older = api('getUpdates', { offset: onlyInline.result[0]!.update_id + 1, timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    expect(s.calls.at(-1)).toMatchObject({ method: 'getUpdates', state: 'pending' });
    const newer = api('getUpdates', { timeout: 0 });
    expect((await older).json).toMatchObject({ ok: false, error_code: 409 });
    expect((await newer).json).toMatchObject({ ok: true, result: [] });
  });

  it('computes bot_command and mention entities in UTF-16 units', () => {
    const u = s.groupText('/ask@reform_qa_bot 辦證 @reform_qa_bot 😀 /help', { chatId: -100200, userId: 9 });
    expect(u.message?.chat).toMatchObject({ id: -100200, type: 'group' });
    expect(u.message?.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 18 },
      { type: 'mention', offset: 22, length: 14 },
      { type: 'bot_command', offset: 40, length: 5 },
    ]);
    expect(autoEntities('email a@b.c or x/y or /start')).toEqual([{ type: 'bot_command', offset: 22, length: 6 }]);
  });

  it('builds replies to the bot, edits, channel posts, media and membership updates', async () => {
    const sent = await tg.sendMessage(-1001234567890, 'answer');
    const reply = s.groupText('thanks', { chatId: -1001234567890, replyToBotMessageId: sent.message_id });
    expect(reply.message?.reply_to_message).toMatchObject({ message_id: sent.message_id, from: { id: 123456 }, text: 'answer' });
    expect(reply.message?.message_id).toBe(sent.message_id + 1);

    const original = s.privateText('typo', { userId: 5 });
    const edit = s.editedText('fixed', { userId: 5, messageId: original.message!.message_id });
    expect(edit.edited_message).toMatchObject({ message_id: original.message!.message_id, text: 'fixed' });
    expect(edit.edited_message?.edit_date).toBeTypeOf('number');

    expect(s.channelPost('news').channel_post).toMatchObject({ chat: { type: 'channel' }, sender_chat: { type: 'channel' } });
    expect(s.sticker({ userId: 5 }).message?.['sticker']).toMatchObject({ emoji: '👍' });
    expect(s.photo({ userId: 5, caption: 'look' }).message).toMatchObject({ caption: 'look' });
    expect(s.voice({ userId: 5 }).message?.['voice']).toMatchObject({ mime_type: 'audio/ogg' });

    const [mcm, joined] = s.botAddedToGroup({ chatId: -100300, userId: 5 });
    expect(mcm.my_chat_member).toMatchObject({ chat: { id: -100300 }, new_chat_member: { status: 'member', user: { id: 123456 } } });
    expect(joined.message?.['new_chat_members']).toEqual([expect.objectContaining({ id: 123456, is_bot: true })]);
    expect(s.leftChatMember(77, { chatId: -100300 }).message?.['left_chat_member']).toMatchObject({ id: 77 });

    const all = (await api('getUpdates', {})).json as { result: Update[] };
    const types = all.result.map((u) => Object.keys(u).find((k) => k !== 'update_id'));
    expect(types).toEqual(['message', 'message', 'edited_message', 'channel_post', 'message', 'message', 'message', 'my_chat_member', 'message', 'message']);
  });

  it('rejects waitFor after its timeout, listing the calls so far', async () => {
    await tg.getMe();
    await expect(s.waitFor(() => false, 100)).rejects.toThrow(/timed out after 100 ms; calls so far:\n {2}getMe \{\} → ok/);
    await expect(s.waitFor('getMe', 100)).resolves.toMatchObject({ method: 'getMe' });
    s.clearCalls();
    expect(s.calls).toEqual([]);
  });
});

describe('inline and callback queries', () => {
  it('answerInlineQuery accepts an issued id once and validates the results', async () => {
    const q = s.inlineQuery('辦證', { userId: 3 }).inline_query!;
    const article = (id: string, text: string) => ({
      type: 'article' as const,
      id,
      title: 'Result',
      input_message_content: { message_text: text, parse_mode: 'HTML' as const },
    });

    const tooMany = Array.from({ length: 51 }, (_, k) => article(String(k), 'x'));
    expect((await telegramError(tg.answerInlineQuery(q.id, tooMany))).description).toBe('Bad Request: RESULTS_TOO_MUCH');
    expect((await telegramError(tg.answerInlineQuery(q.id, [article('1', 'a'), article('1', 'b')]))).description).toBe('Bad Request: RESULT_ID_DUPLICATE');
    expect((await telegramError(tg.answerInlineQuery(q.id, [article('x'.repeat(65), 'a')]))).description).toBe('Bad Request: RESULT_ID_INVALID');
    expect((await telegramError(tg.answerInlineQuery(q.id, [article('1', '<b>a')]))).description).toMatch(/can't parse entities/);
    expect((await telegramError(tg.answerInlineQuery(q.id, [article('1', 'x'.repeat(4097))]))).description).toBe('Bad Request: message is too long');
    const noTitle = { type: 'article', id: '1', input_message_content: { message_text: 'a' } };
    expect((await telegramError(tg.answerInlineQuery(q.id, [noTitle as never]))).description).toContain('"title"');

    await expect(tg.answerInlineQuery(q.id, [article('1', '<b>ok</b>'), article('2', 'also ok')], { cache_time: 0 })).resolves.toBe(true);
    expect((await telegramError(tg.answerInlineQuery(q.id, []))).description).toMatch(/query is too old/);
    expect((await telegramError(tg.answerInlineQuery('12345', []))).description).toMatch(/query is too old/);
  });

  it('expires inline query ids after queryTtlMs', async () => {
    const quick = await startStandin({ queryTtlMs: 50 });
    try {
      const client = new Telegraf(quick.token, { telegram: { apiRoot: quick.url } }).telegram;
      const q = quick.inlineQuery('late').inline_query!;
      await new Promise((r) => setTimeout(r, 80));
      expect((await telegramError(client.answerInlineQuery(q.id, []))).code).toBe(400);
    } finally {
      await quick.close();
    }
  });

  it('answerCallbackQuery accepts an issued id and limits the text to 200 characters', async () => {
    const m = await tg.sendMessage(8, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'pick:a' }]] } });
    const cq = s.callbackQuery('pick:a', { userId: 8 }).callback_query!;
    expect(cq.message).toMatchObject({ message_id: m.message_id, reply_markup: { inline_keyboard: [[{ callback_data: 'pick:a' }]] } });
    expect(cq.data).toBe('pick:a');

    expect((await telegramError(tg.answerCbQuery(cq.id, 'x'.repeat(201)))).code).toBe(400);
    await expect(tg.answerCbQuery(cq.id, '好'.repeat(200))).resolves.toBe(true);
    expect((await telegramError(tg.answerCbQuery('not-issued'))).description).toMatch(/query ID is invalid/);
  });
});

describe('chat state methods', () => {
  it('getChatMember defaults to member and follows setChatMember', async () => {
    s.privateText('hi', { userId: 11, firstName: 'Lin' });
    expect(await tg.getChatMember(-100500, 11)).toEqual({ status: 'member', user: expect.objectContaining({ id: 11, first_name: 'Lin' }) });
    s.setChatMember(-100500, 11, 'administrator');
    expect(await tg.getChatMember(-100500, 11)).toMatchObject({ status: 'administrator', can_pin_messages: true });
    s.setChatMember(-100500, 11, 'left');
    expect((await tg.getChatMember(-100500, 11)).status).toBe('left');
  });

  it('records setMyCommands per scope and language, deleteMyCommands removes them', async () => {
    await tg.setMyCommands([{ command: 'ask', description: 'Ask a question' }]);
    await tg.setMyCommands([{ command: 'ask', description: '提問' }], { language_code: 'zh', scope: { type: 'all_private_chats' } });
    expect(s.commandsFor()).toEqual([{ command: 'ask', description: 'Ask a question' }]);
    expect(s.commandsFor({ type: 'all_private_chats' }, 'zh')).toEqual([{ command: 'ask', description: '提問' }]);
    expect(await tg.getMyCommands({ language_code: 'zh', scope: { type: 'all_private_chats' } })).toHaveLength(1);
    expect((await telegramError(tg.setMyCommands([{ command: 'Bad-Command', description: 'x' }]))).description).toBe('Bad Request: BOT_COMMAND_INVALID');
    await tg.deleteMyCommands({ language_code: 'zh', scope: { type: 'all_private_chats' } });
    expect(s.commandsFor({ type: 'all_private_chats' }, 'zh')).toBeUndefined();
  });

  it('webhook methods, and getUpdates conflicts with an active webhook', async () => {
    s.privateText('queued');
    await tg.setWebhook('https://bot.example.org/hook', { secret_token: 'sekret_1', allowed_updates: ['message'] });
    expect(await tg.getWebhookInfo()).toMatchObject({ url: 'https://bot.example.org/hook', pending_update_count: 1, allowed_updates: ['message'] });
    expect(s.webhook.secret_token).toBe('sekret_1');
    expect((await api('getUpdates')).json).toMatchObject({ ok: false, error_code: 409 });
    await tg.deleteWebhook({ drop_pending_updates: true });
    expect(await tg.getWebhookInfo()).toMatchObject({ url: '', pending_update_count: 0 });
  });

  it('pinChatMessage succeeds or fails with not enough rights; sendChatAction; leaveChat', async () => {
    const m = await tg.sendMessage(-100600, 'pin me');
    await expect(tg.pinChatMessage(-100600, m.message_id)).resolves.toBe(true);
    s.setCanPin(false, -100600);
    const err = await telegramError(tg.pinChatMessage(-100600, m.message_id));
    expect(err.description).toBe('Bad Request: not enough rights to manage pinned messages in the chat');

    await expect(tg.sendChatAction(-100600, 'typing')).resolves.toBe(true);
    expect((await telegramError(tg.sendChatAction(-100600, 'dancing' as never))).code).toBe(400);

    await expect(tg.leaveChat(-100600)).resolves.toBe(true);
    expect((await telegramError(tg.sendMessage(-100600, 'still here?'))).code).toBe(403);
  });
});

describe('webhook helper', () => {
  it('postUpdate POSTs the update with the secret header and returns the status', async () => {
    const seen: Array<{ secret: string | undefined; body: string }> = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const secret = req.headers['x-telegram-bot-api-secret-token'];
        seen.push({ secret: typeof secret === 'string' ? secret : undefined, body });
        res.statusCode = secret === 'sekret' ? 200 : 401;
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      const update = s.privateText('via webhook', { enqueue: false });
      expect(s.pendingUpdates()).toEqual([]);
      expect(await postUpdate(url, update, 'sekret')).toBe(200);
      expect(await postUpdate(url, update)).toBe(401);
      expect(seen[0]?.secret).toBe('sekret');
      expect(JSON.parse(seen[0]!.body)).toEqual(update);
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});

describe('HTML parser', () => {
  it('produces Telegram-style entities', () => {
    const parsed = parseTelegramHtml(
      '<b>b</b><strong>s</strong><a href="https://x.org/?a=1&amp;b=2">l</a><pre><code class="language-ts">c</code></pre>' +
        '<tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span><blockquote expandable>e</blockquote><code>k</code>&#128512;',
    );
    expect(parsed.text).toBe('bslcpqek😀');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'bold', offset: 1, length: 1 },
      { type: 'text_link', offset: 2, length: 1, url: 'https://x.org/?a=1&b=2' },
      { type: 'pre', offset: 3, length: 1, language: 'ts' },
      { type: 'spoiler', offset: 4, length: 1 },
      { type: 'spoiler', offset: 5, length: 1 },
      { type: 'expandable_blockquote', offset: 6, length: 1 },
      { type: 'code', offset: 7, length: 1 },
    ]);
    expect(parseTelegramHtml('AT&T &lt;3 a > b').text).toBe('AT&T <3 a > b');
    expect(parseTelegramHtml('&nbsp;', { strict: false }).text).toBe('&nbsp;');
  });
});

describe('a launched telegraf bot', () => {
  it('receives a pushed private text over long polling and its ctx.reply arrives in calls', async () => {
    const bot = new Telegraf(s.token, { telegram: { apiRoot: s.url } });
    bot.on(message('text'), (ctx) => ctx.reply(`echo: <b>${ctx.message.text}</b>`, { parse_mode: 'HTML' }));
    const errors: unknown[] = [];
    bot.catch((e) => {
      errors.push(e);
    });
    // launch() resolves only when polling stops: don't await it here
    const launched = bot.launch({ dropPendingUpdates: false });
    launched.catch(() => undefined);
    try {
      s.privateText('你好 world', { userId: 321, firstName: 'Mei', languageCode: 'zh-hant' });
      const call = await s.waitFor((c) => c.method === 'sendMessage', 5000);
      expect(call.params).toMatchObject({ chat_id: 321, text: 'echo: <b>你好 world</b>', parse_mode: 'HTML' });
      expect(call.response).toMatchObject({
        ok: true,
        result: { chat: { id: 321, type: 'private' }, text: 'echo: 你好 world', entities: [{ type: 'bold', offset: 6, length: 8 }] },
      });
      expect(s.calls.slice(0, 2).map((c) => c.method)).toEqual(['getMe', 'deleteWebhook']);
      expect(s.callsTo('deleteWebhook')[0]?.params).toEqual({ drop_pending_updates: false });
      expect(errors).toEqual([]);
    } finally {
      bot.stop('test done');
      await within(launched, 3000, 'bot.launch() after stop()');
    }
    // the update was confirmed by the offset sync telegraf does when it stops
    expect(s.pendingUpdates()).toEqual([]);
  });
});

describe('close()', () => {
  it('ends a pending long poll promptly and leaves no sockets open', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPWrap' || r === 'TCPServerWrap').length;
    const baseline = tcp();
    const own = await startStandin({ maxPollMs: 5000 });
    const client = new Telegraf(own.token, { telegram: { apiRoot: own.url } }).telegram;
    await client.getMe();
    const res = await fetch(own.methodUrl('getMe'), { method: 'POST', signal: AbortSignal.timeout(5000) });
    await res.json();
    const started = Date.now();
    const poll = fetch(own.methodUrl('getUpdates'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeout: 50 }),
      signal: AbortSignal.timeout(5000),
    }).then((r) => r.json() as Promise<ApiResponse>);
    await new Promise((r) => setTimeout(r, 100));
    await within(own.close(), 2000, 'close()');
    expect(await poll).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(own.waitFor(() => false, 100)).rejects.toThrow(/closed/);
    const deadline = Date.now() + 2000;
    while (tcp() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(tcp()).toBeLessThanOrEqual(baseline);
  });
});
