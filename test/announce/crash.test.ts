/**
 * A real broadcast process killed with SIGKILL halfway, then restarted: every chat gets the
 * announcement, and at most one (the message in flight at the kill) gets it twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { startStandin } from '../support/bot-api-standin.js';

const dir = mkdtempSync(path.join(tmpdir(), 'crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHATS = Array.from({ length: 240 }, (_, i) => 50_000 + i);

describe('crash-safe broadcast', () => {
  it('SIGKILL mid-broadcast, restart with --resume: no chat missed, at most one twice', async () => {
    const standin = await startStandin();
    const received = new Map<number, number>();
    standin.onMethod('sendMessage', async (params) => {
      const chatId = Number(params.chat_id);
      await new Promise((r) => setTimeout(r, 5));
      received.set(chatId, (received.get(chatId) ?? 0) + 1);
      return { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, text: String(params.text) };
    });
    const store = new Store(path.join(dir, 'bot.sqlite'));
    for (const chatId of CHATS) await store.subscribe({ chatId, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: Date.now() + 1e9 });
    await store.close();

    const env = { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: dir, ANNOUNCE_PER_SECOND: '30', LOG_LEVEL: 'warn' };
    const run = (args: string[]) => spawn(process.execPath, ['dist/cli/broadcast.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const first = run(['减证便民：琶洲驿站24小时不打烊']);
      const exit = new Promise<NodeJS.Signals | null>((resolve) => first.once('exit', (_code, signal) => resolve(signal)));
      for (const end = Date.now() + 20_000; received.size < 80; ) {
        if (Date.now() > end) throw new Error(`only ${received.size} delivered before the kill`);
        await new Promise((r) => setTimeout(r, 10));
      }
      first.kill('SIGKILL');
      expect(await exit).toBe('SIGKILL');
      expect(received.size).toBeLessThan(CHATS.length);

      const second = run(['--resume']);
      let out = '';
      second.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ sent: CHATS.length, failed: 0, removed: 0, pending: 0 });

      for (const chatId of CHATS) expect(received.get(chatId) ?? 0, `chat ${chatId}`).toBeGreaterThanOrEqual(1);
      const twice = CHATS.filter((c) => (received.get(c) ?? 0) > 1);
      expect(twice.length).toBeLessThanOrEqual(1);
      expect(CHATS.every((c) => (received.get(c) ?? 0) <= 2)).toBe(true);
    } finally {
      await standin.close();
    }
  }, 60_000);
});
