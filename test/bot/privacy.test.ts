/**
 * Personal data as /privacy promises, through `npm start`'s program (a child) and the Bot API
 * stand-in: the data folder and files only its owner's; personal data typed into questions in
 * neither the database, its WAL nor the report; no log line naming a user or a chat, whatever path
 * it comes from (Bot API retries, refusals, failed pins, announcement deliveries);
 * a forged button press changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { killChildren, run, until, type Child } from '../support/process.js';

let standin: BotApiStandin;
let dir: string;
let bot: Child;
let nextUser = 918_273_700;
/** User ids nobody would write by chance: a fresh one per question, so no rate limit applies. */
const users: number[] = [];
const freshUser = () => {
  users.push(++nextUser);
  return nextUser;
};
const OPERATOR = 918_273_777;
const GROUPS = [-1_009_182_736_451, -1_009_182_736_452, -1_009_182_736_453];

const okTo = (chatId: number) => (c: RecordedCall) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true;
const logLines = () =>
  bot
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'));

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  dir = mkdtempSync(path.join(tmpdir(), 'privacy-'));
  bot = run('src/main.ts', [], { BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: path.join(dir, 'data'), ADMIN_IDS: String(OPERATOR) });
  await standin.waitFor('setMyCommands', 20_000);
}, 30_000);

afterAll(async () => {
  killChildren();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Personal data as people type it; the second column is what must be found nowhere afterwards. */
const PERSONAL: [question: string, secret: string][] = [
  ['我的电话是138.0013.8000，南沙落户要多久', '138.0013.8000'],
  ['电话 138  0013  8000 南沙落户要多久', '0013  8000'],
  ['我的手机一三八零零一三八零零零，怎么落户', '一三八零零一三八零零零'],
  ['香港身份证A123456(7)可以办吗', 'A123456'],
  ['身份证号44010619900101123X要带吗', '44010619900101123X'],
  ['我叫张伟强，南沙落户要多久', '张伟强'],
  ['My name is Zhang Weiqiang, how long does settling in Nansha take?', 'Weiqiang'],
  ['email me at zhang.wq@example.com 广州取消了多少证明', 'zhang.wq'],
  ['护照E12345678能办吗', 'E12345678'],
  ['银行卡 6222 0202 0000 1234 567 怎么办', '6222 0202'],
];

describe('what is kept', () => {
  it('the data folder is 0700 and every database file 0600, the WAL included, while the bot runs', async () => {
    const user = freshUser();
    standin.privateText('南沙落户要多久', { userId: user });
    const answer = await standin.waitFor(okTo(user), 10_000);
    // Buttons carry only what the Bot API defines (no telegraf `hide`).
    for (const b of (answer.params.reply_markup as { inline_keyboard: object[][] }).inline_keyboard.flat()) expect(Object.keys(b).sort()).toEqual(['callback_data', 'text']);
    const data = path.join(dir, 'data');
    await until(() => existsSync(path.join(data, 'bot.sqlite-wal')), 5_000, 'the WAL file');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    for (const file of ['bot.sqlite', 'bot.sqlite-wal', 'bot.sqlite-shm']) expect(statSync(path.join(data, file)).mode & 0o777, file).toBe(0o600);
  }, 30_000);

  it('phone numbers, ID numbers, cards, e-mails and names typed into questions are in neither the database, its WAL nor the report', async () => {
    for (const [question] of PERSONAL) {
      const user = freshUser();
      standin.privateText(question, { userId: user });
      await standin.waitFor(okTo(user), 10_000);
    }
    // The question log is written in batches every 200 ms: the WAL holds them while the bot runs.
    await new Promise((r) => setTimeout(r, 800));
    const data = path.join(dir, 'data');
    const bytes = ['bot.sqlite', 'bot.sqlite-wal'].map((f) => (existsSync(path.join(data, f)) ? readFileSync(path.join(data, f)).toString('utf8') : ''));
    const report = spawnSync(process.execPath, ['dist/cli/report.js', '--json', '--since', '7d'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, DATA_DIR: data },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(report.status, report.stderr).toBe(0);
    // The questions are there (what the report is for), without what identifies the asker.
    expect((JSON.parse(report.stdout) as { total: number }).total).toBe(PERSONAL.length + 1);
    expect(report.stdout).toContain('落户');
    for (const [, secret] of PERSONAL) {
      for (const [i, text] of [...bytes, report.stdout].entries()) expect(text.includes(secret), `${secret} in ${['bot.sqlite', 'WAL', 'report'][i]}`).toBe(false);
    }
  }, 60_000);
});

describe('what is not kept', () => {
  it('a question whose reply the limits drop (a second one within 3 s in a group) is not logged', async () => {
    const user = freshUser();
    const group = -1_009_182_736_460;
    const reportTotal = () =>
      (
        JSON.parse(
          spawnSync(process.execPath, ['dist/cli/report.js', '--json', '--since', '7d'], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, DATA_DIR: path.join(dir, 'data') },
            encoding: 'utf8',
            timeout: 30_000,
          }).stdout,
        ) as { total: number }
      ).total;
    const before = reportTotal();
    const dropped = () => bot.output().split('\n').filter((l) => l.includes('rate limit: reply dropped')).length;
    const droppedBefore = dropped();
    standin.groupText('/ask 南沙落户要多久', { userId: user, chatId: group });
    standin.groupText('/ask 琶洲驿站在哪里', { userId: user, chatId: group });
    await standin.waitFor(okTo(group), 10_000);
    await until(() => dropped() > droppedBefore, 5_000, 'the second reply dropped');
    await new Promise((r) => setTimeout(r, 600));
    expect(reportTotal()).toBe(before + 1);
  }, 60_000);
});

describe('/privacy', () => {
  it('says, in each language, what is replaced, how much is kept, and what is not recognised', async () => {
    const expected: [string, RegExp[]][] = [
      ['en', [/first 300 characters/, /phone, card and ID numbers/, /e-mail/, /@usernames/, /my name is/, /addresses are not recognised/, /90 days/]],
      ['zh-hans', [/前 300 个字/, /证件号/, /电子邮件/, /我叫/, /地址无法识别/, /90 天/]],
      ['zh-hant', [/前 300 個字/, /證件號/, /電子郵件/, /我係/, /地址無法識別/, /90 天/]],
    ];
    for (const [languageCode, patterns] of expected) {
      const user = freshUser();
      standin.privateText('/privacy', { userId: user, languageCode });
      const text = String((await standin.waitFor(okTo(user), 10_000)).params.text);
      for (const p of patterns) expect(text, languageCode).toMatch(p);
    }
  }, 30_000);
});

describe('logs name no one', () => {
  it('a 429 and a 5xx retry log the method, status, description and wait — no chat, user, text or payload', async () => {
    const user = freshUser();
    standin.failNext('sendMessage', { status: 429, retry_after: 1, description: 'Too Many Requests: retry after 1' });
    standin.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    standin.privateText('琶洲驿站在哪里 ZQXJ-marker', { userId: user });
    await standin.waitFor(okTo(user), 15_000);
    const retries = logLines().filter((l) => l.includes('Bot API call failed, retrying'));
    expect(retries).toHaveLength(2);
    const [throttled, failed] = retries.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(throttled).toMatchObject({ method: 'sendMessage', status: 429, retry_after: 1, description: 'Too Many Requests: retry after 1', delay_ms: 1000 });
    expect(failed).toMatchObject({ method: 'sendMessage', status: 502, description: 'Bad Gateway' });
    for (const line of retries) {
      expect(line).not.toContain(String(user));
      expect(line).not.toContain('ZQXJ');
      expect(line).not.toMatch(/chat_id|payload|"on"|reply_markup|callback_data/);
    }
  }, 30_000);

  it('refusals, failed pins, announcement deliveries and forged presses: no id in any line', async () => {
    const [refusing, pinning, blocked] = GROUPS as [number, number, number];
    // A non-admin asks, then at once tries /announce, and getChatMember fails (a 5xx, retried, then
    // given up): answered, then refused — the refusal threaded to the command, though the answer
    // just used the asker's turn (one answer per user every 3 s in a group).
    const member = freshUser();
    standin.groupText('/ask 南沙落户要多久', { userId: member, chatId: refusing });
    await standin.waitFor(okTo(refusing), 10_000);
    standin.failNext('getChatMember', { status: 500, description: 'Internal Server Error' }, 4);
    const command = standin.groupText('/announce', { userId: member, chatId: refusing });
    const refusal = await standin.waitFor((c) => okTo(refusing)(c) && (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === command.message!.message_id, 20_000);
    expect(String(refusal.params.text)).toMatch(/管理员|admin/i);
    expect(refusal.params).not.toHaveProperty('reply_to_message_id');

    // An operator's pinned digest where the bot may not pin: the digest is posted, the pin fails.
    standin.setCanPin(false, pinning);
    standin.groupText('/announce pin', { userId: OPERATOR, chatId: pinning });
    await standin.waitFor((c) => c.method === 'pinChatMessage' && c.response?.ok === false, 20_000);
    await until(() => logLines().some((l) => l.includes('"pin failed"')), 5_000, 'the pin failure logged');

    // A forged "context" press on the digest (data from another message, and made up): nothing edited.
    const digest = standin.callsTo('sendMessage').find((c) => c.params.chat_id === pinning && c.response?.ok)!;
    const digestId = (digest.response!.result as { message_id: number }).message_id;
    const asker = freshUser();
    standin.groupText('/ask 南沙落户要多久', { userId: asker, chatId: pinning });
    const answer = await standin.waitFor((c) => okTo(pinning)(c) && String(c.params.text).includes('落户'), 10_000);
    const data = ((answer.params.reply_markup as { inline_keyboard: { callback_data?: string }[][] }).inline_keyboard.flat().find((b) => b.callback_data?.startsWith('x:'))!).callback_data!;
    standin.clearCalls();
    for (const forged of [data, 'x:s:00000000:p1s1', `${data.slice(0, data.lastIndexOf(':'))}:AAAAAAAA`]) {
      standin.callbackQuery(forged, { userId: freshUser(), chatId: pinning, messageId: digestId });
    }
    await until(() => standin.callsTo('answerCallbackQuery').length === 3, 10_000, 'three presses answered');
    expect(standin.callsTo('editMessageText')).toHaveLength(0);
    // The same data on its own message works.
    standin.callbackQuery(data, { userId: asker, chatId: pinning, messageId: (answer.response!.result as { message_id: number }).message_id });
    await standin.waitFor('editMessageText', 10_000);

    // Deliveries that fail: refused (400), then a group that removed the bot (403).
    standin.failNext('sendMessage', { status: 400, description: 'Bad Request: message is too long' });
    standin.groupText('/announce', { userId: OPERATOR, chatId: refusing });
    await until(() => logLines().some((l) => l.includes('announcement refused by Telegram')), 20_000, 'the refusal logged');
    standin.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    standin.groupText('/announce', { userId: OPERATOR, chatId: blocked });
    await until(() => logLines().some((l) => l.includes('chat blocked or removed the bot')), 20_000, 'the removal logged');

    const output = bot.output();
    expect(output).toContain('getChatMember failed');
    for (const id of [...users, OPERATOR, member, ...GROUPS]) {
      expect(output, `id ${id}`).not.toContain(String(id));
      expect(output, `id ${id}`).not.toContain(String(Math.abs(id)));
    }
    for (const forbidden of ['ZQXJ', '南沙落户要多久', data, 'chat_id', '"payload"', '"on":', 'callback_data', 'Zhang', '张伟强']) {
      expect(output, forbidden).not.toContain(forbidden);
    }
  }, 120_000);
});
