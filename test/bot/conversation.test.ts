/**
 * Conversation through `npm start`'s program (a child process) and the Bot API stand-in, which
 * refuses what Telegram refuses: follow-ups, inline answers while typing, the context button, votes,
 * suggestions and keywords; then a restart, after which the old buttons still work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { killChildren, run, type Child } from '../support/process.js';

let standin: BotApiStandin;
let dir: string;
let bot: Child;

type Keyboard = { text: string; callback_data: string }[][];
const textOf = (c: RecordedCall) => String(c.params.text ?? '');
const keyboardOf = (c: RecordedCall): Keyboard => (c.params.reply_markup as { inline_keyboard?: Keyboard } | undefined)?.inline_keyboard ?? [];
const messageIdOf = (c: RecordedCall) => (c.response as { result: { message_id: number } }).result.message_id;
/** The bot's next successful message to a chat whose text passes `test`. */
const sentTo = (chatId: number, test: (text: string) => boolean = () => true) =>
  standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true && test(textOf(c)), 10_000);

async function start(): Promise<Child> {
  standin.clearCalls();
  const child = run('src/main.ts', [], { BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: dir });
  await standin.waitFor('setMyCommands', 20_000);
  return child;
}

async function ask(userId: number, question: string, test?: (text: string) => boolean): Promise<RecordedCall> {
  standin.clearCalls();
  standin.privateText(question, { userId, languageCode: 'zh-hans' });
  return sentTo(userId, test);
}

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  dir = mkdtempSync(path.join(tmpdir(), 'conversation-'));
  bot = await start();
}, 30_000);

afterAll(async () => {
  killChildren();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a conversation with the running bot', () => {
  let station: RecordedCall;
  const user = 7001;

  it('follow-ups are read with the last subject; the same words in another chat inherit nothing', async () => {
    station = await ask(user, '琶洲那个驿站是做什么的');
    const count = await ask(user, '能办多少项？', (t) => t.includes('接着问'));
    expect(textOf(count)).toContain('（接着问：琶洲驿站）');
    expect(textOf(count)).toContain('100项');
    const district = await ask(user, '在哪个区？', (t) => t.includes('接着问'));
    expect(textOf(district)).toMatch(/<b>海珠区/);

    const english = 7002;
    standin.privateText('Tell me about the unstaffed station in Pazhou', { userId: english, languageCode: 'en' });
    await sentTo(english);
    standin.clearCalls();
    standin.privateText('Which district is it in?', { userId: english, languageCode: 'en' });
    expect(textOf(await sentTo(english, (t) => t.includes('Follow-up on')))).toMatch(/<b>Haizhu/);

    const other = 7003;
    const alone = textOf(await ask(other, '能办多少项？'));
    expect(alone).not.toContain('接着问');
    expect(alone).not.toContain('100项');
  }, 30_000);

  it('inline answers while typing: 南沙落, nansh, how long does sett each offer the 10-working-days answer', async () => {
    for (const typed of ['南沙落', 'nansh', 'how long does sett']) {
      standin.clearCalls();
      standin.inlineQuery(typed, { userId: 7004 });
      const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.response?.ok === true, 10_000);
      const first = (call.params.results as { input_message_content: { message_text: string } }[])[0]!;
      expect(first.input_message_content.message_text, typed).toMatch(/10个工作日|10 working days/);
    }
  }, 30_000);

  it('the context button shows paragraph 2 whole, the quote in bold, in an expandable blockquote', async () => {
    const answer = await ask(7005, '南沙落户要多久');
    const context = keyboardOf(answer).flat().find((b) => b.text === '上下文')!;
    standin.callbackQuery(context.callback_data, { userId: 7005, chatId: 7005, messageId: messageIdOf(answer), languageCode: 'zh-hans' });
    const shown = textOf(await sentTo(7005, (t) => t.includes('<blockquote expandable>')));
    expect(shown).toContain('证照做“减法”的背后是老百姓获得感的“加法”。');
    expect(shown).toContain('<b>现在来南沙落户,不仅材料交得少了,从申报到落户只需10个工作日即可。</b>');
    expect(shown).toContain('24小时“不打烊”。</blockquote>');
  }, 30_000);

  it('👍 is acknowledged and stored', async () => {
    const up = keyboardOf(station).flat().find((b) => b.text === '👍')!;
    standin.callbackQuery(up.callback_data, { userId: user, chatId: user, messageId: messageIdOf(station), languageCode: 'zh-hans' });
    const ack = await standin.waitFor((c) => c.method === 'answerCallbackQuery' && c.response?.ok === true && String(c.params.text ?? '').includes('谢谢'), 10_000);
    expect(ack).toBeDefined();
    await standin.waitFor((c) => c.method === 'editMessageReplyMarkup' && c.response?.ok === true, 10_000);
    const store = new Store(path.join(dir, 'bot.sqlite'));
    expect((await store.question(Number(up.callback_data.split(':')[2])))?.vote).toBe(1);
    await store.close();
  }, 30_000);

  it('北京落户要多久 suggests the Nansha question; 琶洲 gives the station', async () => {
    const beijing = await ask(7006, '北京落户要多久');
    expect(keyboardOf(beijing)[0]![0]!.text).toContain('南沙');
    const pazhou = textOf(await ask(7007, '琶洲'));
    expect(pazhou).toMatch(/答：<b>海珠区在琶洲建设者之家推出全国首个“无人值守”智能政务服务驿站/);
  }, 30_000);

  it('after a restart the old buttons still work', async () => {
    const answer = await ask(7008, '广州取消了多少证明事项');
    const [context, down] = [keyboardOf(answer).flat().find((b) => b.text === '上下文')!, keyboardOf(answer).flat().find((b) => b.text === '👎')!];
    bot.process.kill('SIGTERM');
    await bot.exited(15_000);
    bot = await start();
    standin.callbackQuery(context.callback_data, { userId: 7008, chatId: 7008, messageId: messageIdOf(answer), languageCode: 'zh-hans' });
    expect(textOf(await sentTo(7008, (t) => t.includes('<blockquote expandable>')))).toContain('<b>');
    standin.callbackQuery(down.callback_data, { userId: 7008, chatId: 7008, messageId: messageIdOf(answer), languageCode: 'zh-hans' });
    await standin.waitFor((c) => c.method === 'answerCallbackQuery' && String(c.params.text ?? '').includes('谢谢'), 10_000);
  }, 60_000);
});
