/**
 * Log lines (src/log.ts): no secret, and no one named — an error is written through an allow-list of
 * its fields, whatever else it carries (telegraf's payload, a database error's detail, an update).
 */
import { Telegram, TelegramError } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../src/log.js';
import { withRetries } from '../src/bot/telegram-retry.js';
import { startStandin, type BotApiStandin } from './support/bot-api-standin.js';

let standin: BotApiStandin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => {
  await standin.close();
});

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', secrets: [standin.token, 's3cr3t/pass'], write: (l) => void lines.push(l) }) };
}

const USER = 918_273_800;
const TEXT = 'ZQXJ 我叫张伟强';

describe('log lines', () => {
  it('a real Bot API refusal: method, status and description, not the payload', async () => {
    const { lines, log } = capture();
    standin.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    const err = await new Telegram(standin.token, { apiRoot: `${standin.url}/` })
      .sendMessage(USER, TEXT, { reply_markup: { inline_keyboard: [[{ text: '👍', callback_data: 'v:+:123456789:abcdefgh' }]] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramError);
    // What pino's standard serializer wrote: the whole payload.
    expect(JSON.stringify({ ...(err as object) })).toContain(String(USER));
    log.error({ err }, 'send failed');
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'TelegramError', code: 400, method: 'sendMessage', description: 'Bad Request: chat not found' });
    for (const leak of [String(USER), 'ZQXJ', '张伟强', 'v:+:123456789', 'payload', '"on"', 'chat_id']) expect(lines[0]).not.toContain(leak);
  });

  it('retries: one line each with the method, status, description and wait', async () => {
    const { lines, log } = capture();
    standin.failNext('sendMessage', { status: 429, retry_after: 1, description: 'Too Many Requests: retry after 1' });
    standin.failNext('sendMessage', { networkError: true });
    const telegram = withRetries(new Telegram(standin.token, { apiRoot: `${standin.url}/` }), { log, sleep: async () => {} });
    await telegram.sendMessage(USER, TEXT);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'sendMessage', status: 429, retry_after: 1, delay_ms: 1000 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ method: 'sendMessage', err: { type: expect.any(String) } });
    for (const line of lines) for (const leak of [String(USER), 'ZQXJ', '张伟强', standin.token]) expect(line).not.toContain(leak);
  });

  it('any error: only its type, message, code, stack and causes; secrets replaced', () => {
    const { lines, log } = capture();
    const db = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: `Key (chat_id)=(${USER}) already exists.`,
      update: { message: { from: { id: USER }, text: TEXT } },
    });
    const outer = new Error(`request to https://api.telegram.org/bot${standin.token}/getUpdates failed (password s3cr3t/pass)`, { cause: db });
    log.warn({ err: outer }, 'failed');
    const line = JSON.parse(lines[0]!) as { err: { message: string; cause: Record<string, unknown> } };
    expect(line.err.cause).toMatchObject({ type: 'Error', code: '23505', message: 'duplicate key value violates unique constraint' });
    expect(line.err.cause).not.toHaveProperty('detail');
    expect(line.err.message).toContain(REDACTED);
    for (const leak of [String(USER), 'ZQXJ', standin.token, 's3cr3t', encodeURIComponent('s3cr3t/pass')]) expect(lines[0]).not.toContain(leak);
  });

  it('a cycle of causes, or something thrown that is no error, is still one bounded line', () => {
    const { lines, log } = capture();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    log.error({ err: a }, 'cycle');
    log.error({ err: { chat_id: USER } }, 'object');
    expect(lines[0]!.length).toBeLessThan(20_000);
    expect(lines[1]).not.toContain(String(USER));
  });
});
