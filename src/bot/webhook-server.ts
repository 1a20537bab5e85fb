/**
 * The webhook endpoint: POST <path> with Telegram's secret header (anything else at that path is a
 * 403), GET /healthz (200 with the knowledge version and the delivery queue's state: "ok", or
 * "degraded" while it cannot use the database — answers still work then), GET /metrics (Prometheus
 * text, see metrics.ts), 404 for the rest. An
 * update is acknowledged once the bot has accepted it (see the dispatcher); a graceful stop waits
 * for the updates in flight.
 */
import { timingSafeEqual } from 'node:crypto';
import { metricsText } from '../metrics.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../log.js';
import type { BotContext } from './deps.js';

export interface WebhookOptions {
  path: string;
  secret: string;
  /** Reported by /healthz. */
  version: string;
  /** The delivery queue's state, for /healthz. */
  health?: () => { queue: { degraded: boolean; since?: number; fault?: string } };
  log: Logger;
  /** Largest update body accepted, in bytes. Default 1 MiB. */
  maxBody?: number;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body = ''): void {
  res.writeHead(status, { 'content-type': body ? 'application/json' : 'text/plain' }).end(body);
}

export function webhookHandler(bot: Telegraf<BotContext>, options: WebhookOptions) {
  const maxBody = options.maxBody ?? 1 << 20;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      const queue = options.health?.().queue;
      const status = queue?.degraded ? 'degraded' : 'ok';
      send(res, 200, JSON.stringify({ ok: true, status, knowledge: options.version, ...(queue ? { queue } : {}) }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const { contentType, body } = await metricsText();
      res.writeHead(200, { 'Content-Type': contentType }).end(body);
      return;
    }
    if (url.pathname !== options.path) return send(res, 404);
    if (req.method !== 'POST' || !sameSecret(req.headers[SECRET_HEADER], options.secret)) {
      options.log.warn({ method: req.method }, 'webhook request refused: wrong method or secret');
      return send(res, 403);
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) return send(res, 413);
    let update: Update;
    try {
      update = JSON.parse(body) as Update;
    } catch {
      return send(res, 400);
    }
    try {
      await bot.handleUpdate(update);
      send(res, 200);
    } catch (err) {
      options.log.error({ err }, 'webhook update failed');
      send(res, 500);
    }
  };
}

export function createWebhookServer(bot: Telegraf<BotContext>, options: WebhookOptions): Server {
  const handle = webhookHandler(bot, options);
  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log.error({ err }, 'webhook request failed');
      if (!res.headersSent) send(res, 500);
    });
  });
}
