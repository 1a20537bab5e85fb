/**
 * The webhook server on loopback, with a real bot behind it (against the Bot API stand-in): what it
 * serves (no metrics), what it refuses (bodies that are no update), and what a client cannot hold:
 * slow headers, a slow body, a silent or idle connection, more connections than the cap.
 */
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/create-bot.js';
import { memorySettings } from '../../src/bot/deps.js';
import { createWebhookServer } from '../../src/bot/webhook-server.js';
import { OutboundLimits } from '../../src/limits.js';
import { createLogger } from '../../src/log.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { startStandin, type BotApiStandin } from '../support/bot-api-standin.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const SECRET = 'webhook-test-secret-0123456789';
const BOUNDS = { headersMs: 400, requestMs: 800, idleMs: 600, checkMs: 100, maxConnections: 4 };
let standin: BotApiStandin;
let server: Server;
let port: number;

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  const { engine, ctx } = openEngine(TEST_KNOWLEDGE);
  const log = createLogger({ level: 'silent', secrets: [] });
  const { bot } = createBot({ token: standin.token, apiRoot: standin.url }, { engine, render: ctx, log, settings: memorySettings(), limits: new OutboundLimits(), now: Date.now });
  bot.botInfo = await bot.telegram.getMe();
  server = createWebhookServer(bot, { path: '/hook', secret: SECRET, version: 'test', log, bounds: BOUNDS });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await standin.close();
});

/** A raw connection: resolves when the server closes it, with how long that took (rejects after `withinMs`). */
function rawConnection(): { socket: Socket; closed: (withinMs: number) => Promise<number> } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume();
  const done = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return {
    socket,
    closed: (withinMs) => Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs))]),
  };
}

const post = (body: string) =>
  fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body }).then((r) => r.status);

describe('webhook server', () => {
  it('serves /healthz, and no metrics: those are on METRICS_PORT only', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('a body that is JSON but no update is a 400, and nothing is sent', async () => {
    standin.clearCalls();
    for (const body of ['null', '[]', '5', '"text"', '{}', '{"update_id":"1"}']) expect(await post(body), body).toBe(400);
    expect(standin.callsTo('sendMessage')).toHaveLength(0);
  });

  it('headers that never finish: the connection is closed after the headers timeout', async () => {
    const c = rawConnection();
    c.socket.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
    const ms = await c.closed(5_000);
    expect(ms).toBeGreaterThanOrEqual(BOUNDS.headersMs - 50);
  });

  it('a body that trickles in: closed after the request timeout', async () => {
    const c = rawConnection();
    c.socket.write(`POST /hook HTTP/1.1\r\nHost: x\r\nx-telegram-bot-api-secret-token: ${SECRET}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`);
    const timer = setInterval(() => c.socket.writable && c.socket.write(' '), 100);
    try {
      const ms = await c.closed(5_000);
      expect(ms).toBeGreaterThanOrEqual(BOUNDS.requestMs - 50);
    } finally {
      clearInterval(timer);
    }
  });

  it('a connection that says nothing, or stays idle after a response, is closed', async () => {
    const silent = rawConnection();
    expect(await silent.closed(5_000)).toBeGreaterThanOrEqual(Math.min(BOUNDS.headersMs, BOUNDS.idleMs) - 50);
    const idle = rawConnection();
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    expect(await idle.closed(5_000)).toBeGreaterThanOrEqual(BOUNDS.idleMs - 50);
  });

  it('beyond the connection cap, a new connection is closed at once; the others still work', async () => {
    const held = Array.from({ length: BOUNDS.maxConnections }, () => rawConnection());
    await Promise.all(held.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
    await new Promise((r) => setTimeout(r, 50));
    const extra = rawConnection();
    expect(await extra.closed(300)).toBeLessThan(300);
    for (const c of held) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
