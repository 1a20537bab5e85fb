/**
 * `npm start`'s program as a real child process against the Bot API stand-in: polling and webhook
 * modes, the webhook's secret and /healthz, graceful stop with an update in flight, bad configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotApiError, postUpdate, startStandin, type BotApiStandin } from '../support/bot-api-standin.js';
import { freePort } from '../support/free-port.js';

let standin: BotApiStandin;
let child: ChildProcess | undefined;
let output = '';
/** When the child logged "knowledge loaded" (its start-up done, before it asks the Bot API). */
let loadedAt: number | undefined;

beforeEach(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  output = '';
  loadedAt = undefined;
});

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await standin.close();
});

/** `npm start`'s program: the build in dist/ (which refuses to start older than src/). */
function start(env: Record<string, string>): ChildProcess {
  child = spawn(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bot-data-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    if (loadedAt === undefined && output.includes('"msg":"knowledge loaded"')) loadedAt = Date.now();
  });
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return child;
}

const exited = (p: ChildProcess, timeoutMs: number) =>
  new Promise<number | null>((resolve, reject) => {
    if (p.exitCode !== null) return resolve(p.exitCode);
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

/** Polls a condition every 20 ms, for at most timeoutMs. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}


const SECRET = 'test-secret-0123456789abcdef';

describe('npm start', () => {
  it('polling: answers through TELEGRAM_API_ROOT, logs JSON without the token, stops on SIGTERM', async () => {
    const p = start({ BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url });
    await standin.waitFor('setMyCommands', 15_000);
    standin.privateText('南沙落户要多久', { userId: 77 });
    const call = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 77, 10_000);
    expect(String(call.params.text)).toContain('广州日报');
    p.kill('SIGTERM');
    expect(await exited(p, 10_000)).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.every((l) => l.startsWith('{'))).toBe(true);
    // The stop: one info line, no warning, no stack (the aborted getUpdates is not an error).
    const stopping = lines.slice(lines.findIndex((l) => l.includes('"update done"')) + 1);
    expect(stopping).toHaveLength(1);
    expect(JSON.parse(stopping[0]!)).toMatchObject({ level: 30, msg: 'stopped', signal: 'SIGTERM' });
    expect(output).not.toContain('"stack"');
    expect(output).toContain('"update done"');
    expect(output).toContain('"latency_ms"');
    expect(output).not.toContain(standin.token);
  }, 40_000);

  it('webhook: 403 without the secret, /healthz, answers with it, finishes the update in flight on SIGTERM', async () => {
    const port = await freePort();
    const p = start({
      BOT_TOKEN: standin.token,
      TELEGRAM_API_ROOT: standin.url,
      BOT_MODE: 'webhook',
      WEBHOOK_DOMAIN: 'bot.example.org',
      WEBHOOK_PATH: '/hook',
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_SECRET: SECRET,
    });
    const hook = await standin.waitFor('setWebhook', 15_000);
    expect(hook.params.url).toBe('https://bot.example.org/hook');
    expect(hook.params.secret_token).toBe(SECRET);
    const url = `http://127.0.0.1:${port}/hook`;

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { knowledge: string; status: string; queue: { degraded: boolean } };
    expect(body.knowledge).toMatch(/^[0-9a-f]{8}$/);
    expect(body.status).toBe('ok');
    expect(body.queue.degraded).toBe(false);

    const update = standin.privateText('南沙落户要多久', { userId: 78, enqueue: false });
    expect(await postUpdate(url, update)).toBe(403);
    expect(await postUpdate(url, update, 'wrong-secret-0123456789')).toBe(403);
    expect(standin.callsTo('sendMessage')).toHaveLength(0);
    // Acknowledged once accepted; the answer follows.
    expect(await postUpdate(url, update, SECRET)).toBe(200);
    const answer = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 78, 10_000);
    expect(String(answer.params.text)).toContain('广州日报');

    // A slow Bot API: the update is still being answered when SIGTERM arrives.
    standin.onMethod('sendMessage', async (params) => {
      await new Promise((r) => setTimeout(r, 1500));
      return { message_id: 9, date: 0, chat: { id: params.chat_id, type: 'private' }, text: params.text };
    });
    const slow = postUpdate(url, standin.privateText('琶洲驿站几点关门', { userId: 79, enqueue: false }), SECRET, 8000);
    await until(() => standin.calls.some((c) => c.method === 'sendMessage' && c.params.chat_id === 79 && c.state === 'pending'), 5000);
    p.kill('SIGTERM');
    expect(await slow).toBe(200);
    expect(await exited(p, 10_000)).toBe(0);
    // The stop waited for the answer in flight to be delivered.
    expect(standin.calls.find((c) => c.method === 'sendMessage' && c.params.chat_id === 79)?.state).toBe('done');
    expect(output).not.toContain(standin.token);
    expect(output).not.toContain(SECRET);
  }, 40_000);

  it('bad configuration: one message naming each variable, exit 1, nothing started', async () => {
    const p = start({ TELEGRAM_API_ROOT: 'not a url', BOT_MODE: 'webhook', WEBHOOK_SECRET: 'short' });
    expect(await exited(p, 15_000)).toBe(1);
    expect(output).toContain('BOT_TOKEN: required');
    expect(output).toContain('TELEGRAM_API_ROOT: must be a URL');
    expect(output).toContain('WEBHOOK_SECRET: at least 16 characters');
    expect(output).not.toMatch(/\n\s+at /);
    expect(standin.calls).toHaveLength(0);
  }, 20_000);

  it.each([
    ['a token that does not look like one', () => ({ BOT_TOKEN: 'abc', TELEGRAM_API_ROOT: standin.url }), /^BOT_TOKEN: does not look like a bot token .*@BotFather/m],
    ['a token Telegram rejects (401)', () => ({ BOT_TOKEN: '999999:AAHwrong-token-0123456789abcdefghij', TELEGRAM_API_ROOT: standin.url }), /^BOT_TOKEN was rejected by the Bot API at http:\/\/127\.0\.0\.1:\d+ \(401\) — check it with @BotFather/m],
    ['a Bot API nobody answers at', () => ({ BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }), /^cannot reach the Bot API at 127\.0\.0\.1:9: .* — check TELEGRAM_API_ROOT and the network/m],
  ])('%s: one line naming what to fix, exit 1 within 5 s, no stack', async (_what, env, line) => {
    // The 5 s count from the end of its start-up (loading the knowledge, which takes seconds more
    // when both cores are busy): what is timed is how soon it gives up on the Bot API, not how fast
    // the machine is.
    const started = Date.now();
    const p = start(env());
    expect(await exited(p, 20_000)).toBe(1);
    expect(Date.now() - (loadedAt ?? started)).toBeLessThan(5_000);
    const errors = output.split('\n').filter((l) => l && !l.startsWith('{'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('a signal as soon as it starts (polling perhaps not begun yet) still stops it gracefully: "stopped", exit 0', async () => {
    const p = start({ BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url });
    await until(() => output.includes('"msg":"bot starting"'), 15_000);
    p.kill('SIGTERM');
    expect(await exited(p, 15_000)).toBe(0);
    expect(output, output.slice(-2000)).toContain('"msg":"stopped"');
  }, 30_000);

  it('the command menus are registered one by one: one refused, the others still set, the failure logged once', async () => {
    standin.onMethod('setMyCommands', (params) => {
      if (params.language_code === 'en') throw new BotApiError(400, 'Bad Request: refused for the test');
      return true;
    });
    const p = start({ BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url });
    await until(() => standin.calls.filter((c) => c.method === 'setMyCommands' && c.state === 'done').length === 3, 15_000);
    await until(() => output.includes('command menu not registered') && output.includes('"msg":"polling"'), 10_000);
    expect(output.match(/command menu not registered/g)).toHaveLength(1);
    expect(output).toContain('"menu":"en"');
    p.kill('SIGTERM');
    expect(await exited(p, 15_000)).toBe(0);
  }, 30_000);
});

