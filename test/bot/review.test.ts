/**
 * The operator's loop, through `npm start`'s program (a child) and the Bot API stand-in: a user's
 * question is declined; the operator's /review shows it with candidate sentences as buttons; one
 * press teaches; the same question from another user, and its Traditional form, are answered with
 * that sentence and its source, after a restart too; /review undo takes it back. With two replicas
 * on one PostgreSQL database, a teaching through one answers on the other within 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { InlineKeyboardButton } from 'telegraf/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scoreFold } from '../helpers/score.js';
import { postUpdate, startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { freePort } from '../support/free-port.js';
import { hasPostgres, startPostgres, type Postgres } from '../support/postgres.js';
import { killChildren, run, until, type Child } from '../support/process.js';

const OPERATOR = 7_700_001;
const OUTSIDER = 7_700_002;
/** A question the articles answer in words it does not use (安家户口 for 落户, 多久有结果 for 只需…工作日). */
const QUESTION = '去南沙安家户口的事多久有结果';
const TRADITIONAL = '去南沙安家戶口的事多久有結果？';
let nextUser = 7_710_000;
const fresh = () => ++nextUser;

let standin: BotApiStandin;
let dir: string;

const okTo = (chatId: number, after = 0) => (c: RecordedCall) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true && c.at >= after;
const text = (c: RecordedCall) => String(c.params.text ?? '');
const buttons = (c: RecordedCall) => ((c.params.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)?.inline_keyboard ?? []).flat() as InlineKeyboardButton.CallbackButton[];
const messageId = (c: RecordedCall) => (c.response as { result: { message_id: number } }).result.message_id;

async function ask(question: string, user = fresh()): Promise<string> {
  const at = Date.now();
  standin.privateText(question, { userId: user });
  return text(await standin.waitFor(okTo(user, at), 10_000));
}

/** The blockquoted sentence of a review message's candidate `n` (1-based). */
function candidate(html: string, n: number): string {
  const quotes = [...html.matchAll(/<blockquote>([^<]+)<\/blockquote>/g)].map((m) => m[1]!);
  return quotes[n - 1]!;
}

afterEach(() => killChildren());
afterAll(async () => {
  await standin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/review with the SQLite store', () => {
  let bot: Child;
  let metrics: number;
  const start = async () => {
    const before = standin.callsTo('setMyCommands').length;
    metrics = await freePort();
    bot = run('src/main.ts', [], { BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: path.join(dir, 'data'), ADMIN_IDS: String(OPERATOR), METRICS_PORT: String(metrics) });
    await until(() => standin.callsTo('setMyCommands').length > before, 20_000, 'the bot up');
  };

  beforeAll(async () => {
    standin = await startStandin({ maxPollMs: 300 });
    dir = mkdtempSync(path.join(tmpdir(), 'review-'));
  });

  it('a declined question, taught in one press, is answered for everyone, in both scripts, after a restart too; undo takes it back', async () => {
    await start();
    const declined = await ask(QUESTION);
    expect(declined).not.toMatch(/工作日/);

    // Only operators may review.
    expect(await ask('/review', OUTSIDER)).toMatch(/只有运营者|Only operators/);

    const at = Date.now();
    standin.privateText('/review', { userId: OPERATOR, languageCode: 'zh-hans' });
    const shown = await standin.waitFor(okTo(OPERATOR, at), 10_000);
    const html = text(shown);
    expect(html).toContain(QUESTION);
    expect(html).toMatch(/拒答 1/);
    const choices = buttons(shown);
    const teach = choices.filter((b) => b.callback_data.startsWith('r:t:'));
    expect(teach.length).toBeGreaterThanOrEqual(1);
    expect(teach.length).toBeLessThanOrEqual(3);
    for (const b of choices) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    expect(choices.map((b) => b.text)).toEqual(expect.arrayContaining(['不在文章里', '跳过']));
    // The operator picks the candidate about settling in Nansha.
    const index = teach.findIndex((b) => /落户/.test(b.text));
    expect(index).toBeGreaterThanOrEqual(0);
    const sentence = candidate(html, index + 1);

    const pressed = Date.now();
    standin.callbackQuery(teach[index]!.callback_data, { userId: OPERATOR, chatId: OPERATOR, messageId: messageId(shown) });
    const edited = await standin.waitFor((c) => c.method === 'editMessageText' && c.params.chat_id === OPERATOR && c.at >= pressed && c.response?.ok === true, 10_000);
    expect(text(edited)).toMatch(/已学会/);
    expect(text(edited)).not.toContain(`“${QUESTION}”\n`);

    // Another user, and the Traditional form: the sentence and its source.
    const core = scoreFold(sentence).slice(0, 12);
    for (const q of [QUESTION, TRADITIONAL]) {
      const reply = await ask(q);
      expect(scoreFold(reply)).toContain(core);
      expect(reply).toMatch(/[广廣]州日[报報]/);
    }

    // /metrics counts the teaching and the answers it gave.
    const counted = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    expect(counted).toMatch(/reformbot_teachings_total\{verdict="phrasing"\} 1/);
    expect(counted).toMatch(/reformbot_learned_answers_total\{door="private"\} 2/);
    expect(counted).toMatch(/reformbot_learned_phrasings 1/);

    // After a restart on the same data.
    bot.process.kill('SIGTERM');
    expect(await bot.exited(15_000)).toBe(0);
    await start();
    expect(scoreFold(await ask(QUESTION))).toContain(core);

    // /review undo takes the teaching back.
    expect(await ask('/review undo', OPERATOR)).toMatch(/已撤销/);
    expect(await ask(QUESTION)).not.toMatch(/工作日/);
  }, 90_000);

  it('"not in the article" teaches a decline; a forged or outsider press teaches nothing', async () => {
    const question = '南沙的户口能迁去深圳吗';
    await start();
    // Asked more often than the first test's question (which its undo left waiting): shown first.
    for (let i = 0; i < 3; i++) await ask(question);
    const at = Date.now();
    standin.privateText('/review', { userId: OPERATOR, languageCode: 'zh-hans' });
    const shown = await standin.waitFor(okTo(OPERATOR, at), 10_000);
    expect(text(shown)).toContain(question);
    const decline = buttons(shown).find((b) => b.text === '不在文章里')!;

    // Pressed by someone else (a forwarded message, a modified client): refused, nothing taught.
    const outsider = Date.now();
    standin.callbackQuery(decline.callback_data, { userId: OUTSIDER, chatId: OPERATOR, messageId: messageId(shown) });
    const refused = await standin.waitFor((c) => c.method === 'answerCallbackQuery' && c.at >= outsider, 10_000);
    expect(String(refused.params.text)).toMatch(/只有运营者|Only operators/);

    const pressed = Date.now();
    standin.callbackQuery(decline.callback_data, { userId: OPERATOR, chatId: OPERATOR, messageId: messageId(shown) });
    const edited = await standin.waitFor((c) => c.method === 'editMessageText' && c.params.chat_id === OPERATOR && c.at >= pressed, 10_000);
    expect(text(edited)).toMatch(/不在文章里/);
    expect(text(edited)).not.toContain(`“${question}”\n`);
    bot.process.kill('SIGTERM');
    await bot.exited(15_000);
  }, 60_000);
});

describe.skipIf(!hasPostgres)('/review with two replicas on one PostgreSQL database', () => {
  let server: Postgres;
  beforeAll(async () => {
    server = await startPostgres();
    standin ??= await startStandin({ maxPollMs: 300 });
    dir ??= mkdtempSync(path.join(tmpdir(), 'review-'));
  }, 60_000);
  afterAll(async () => server?.stop());

  it('a teaching through one replica answers on the other within 5 s', async () => {
    const url = await server.database();
    const SECRET = 'review-secret-0123456789abcdef';
    const hooks: string[] = [];
    const before = standin.callsTo('setWebhook').length;
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      run('src/main.ts', [], {
        BOT_TOKEN: standin.token,
        TELEGRAM_API_ROOT: standin.url,
        DATABASE_URL: url,
        DATA_DIR: dir,
        ADMIN_IDS: String(OPERATOR),
        BOT_MODE: 'webhook',
        WEBHOOK_DOMAIN: 'bot.example.org',
        WEBHOOK_PATH: '/hook',
        WEBHOOK_PORT: String(port),
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_SECRET: SECRET,
      });
      hooks.push(`http://127.0.0.1:${port}/hook`);
    }
    await until(() => standin.callsTo('setWebhook').length >= before + 2, 60_000, 'two replicas up');
    const via = async (replica: number, question: string, user: number) => {
      const at = Date.now();
      expect(await postUpdate(hooks[replica]!, standin.privateText(question, { userId: user, enqueue: false, languageCode: 'zh-hans' }), SECRET)).toBe(200);
      return standin.waitFor(okTo(user, at), 10_000);
    };

    expect(text(await via(1, QUESTION, fresh()))).not.toMatch(/工作日/);
    // The other replica writes its question log in batches (every 200 ms): /review once it is written.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await until(async () => (await db.query('SELECT 1 FROM questions WHERE question = $1', [QUESTION])).rowCount === 1, 5_000, 'the question logged');
    await db.end();
    const shown = await via(0, '/review', OPERATOR);
    expect(text(shown)).toContain(QUESTION);
    const teach = buttons(shown).filter((b) => b.callback_data.startsWith('r:t:'));
    const index = teach.findIndex((b) => /落户/.test(b.text));
    const sentence = candidate(text(shown), index + 1);
    const pressed = Date.now();
    const press = standin.callbackQuery(teach[index]!.callback_data, { userId: OPERATOR, chatId: OPERATOR, messageId: messageId(shown), enqueue: false });
    expect(await postUpdate(hooks[0]!, press, SECRET)).toBe(200);
    await standin.waitFor((c) => c.method === 'editMessageText' && c.at >= pressed, 10_000);
    const taughtAt = Date.now();

    // The other replica: answered with the sentence within 5 s of the press.
    let answered = '';
    await until(
      async () => {
        answered = text(await via(1, QUESTION, fresh()));
        return scoreFold(answered).includes(scoreFold(sentence).slice(0, 12));
      },
      5_000,
      'the other replica answering with the taught sentence',
    );
    expect(Date.now() - taughtAt).toBeLessThan(5_000);
  }, 120_000);
});
