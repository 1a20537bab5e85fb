/**
 * The webhook endpoint: POST <path> with Telegram's secret header (anything else at that path is a
 * 403), GET /healthz (200 with the knowledge version and the delivery queue's state: "ok", or
 * "degraded" while it cannot use the database — answers still work then), 404 for the rest.
 * Metrics are not served here (the port faces the proxy): they have their own server on
 * METRICS_PORT, loopback by default (metrics.ts). An update is acknowledged once the bot has
 * accepted it (see the dispatcher); a graceful stop waits for the updates in flight.
 *
 * The server bounds what a client can hold (ServerBounds): a request's headers must arrive within
 * 10 s and the whole request within 20 s, a silent connection is closed after 30 s, and at most 256
 * are open at once (Telegram opens up to 40 by default: setWebhook's max_connections), further ones
 * are closed at once.
 */
import { timingSafeEqual } from 'node:crypto';
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
  /** What a client may hold; the defaults below (tests shorten them). */
  bounds?: Partial<ServerBounds>;
}

/** The timeouts and the connection cap of the server. */
export interface ServerBounds {
  /** Time for a request's headers to arrive. Default 10 s. */
  headersMs: number;
  /** Time for a whole request (headers and body) to arrive. Default 20 s. */
  requestMs: number;
  /** A connection silent this long is closed (kept alive after a response, or never used). Default 30 s. */
  idleMs: number;
  /** How often the timeouts are checked (Node's default, 30 s, outlasts them). Default 1 s. */
  checkMs: number;
  /** Connections open at once, at most; further ones are closed at once. Default 256. */
  maxConnections: number;
}

export const DEFAULT_BOUNDS: ServerBounds = { headersMs: 10_000, requestMs: 20_000, idleMs: 30_000, checkMs: 1_000, maxConnections: 256 };

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

/** An object with a numeric update_id: anything else (null, an array, a number) is no update. */
const isUpdate = (value: unknown): value is Update =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { update_id?: unknown }).update_id === 'number';

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
    if (url.pathname !== options.path) return send(res, 404);
    if (req.method !== 'POST' || !sameSecret(req.headers[SECRET_HEADER], options.secret)) {
      options.log.warn({ method: req.method }, 'webhook request refused: wrong method or secret');
      return send(res, 403);
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) return send(res, 413);
    let update: unknown;
    try {
      update = JSON.parse(body);
    } catch {
      return send(res, 400);
    }
    if (!isUpdate(update)) return send(res, 400);
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
  const b = { ...DEFAULT_BOUNDS, ...options.bounds };
  const server = createServer({ headersTimeout: b.headersMs, requestTimeout: b.requestMs, keepAliveTimeout: b.idleMs, connectionsCheckingInterval: b.checkMs }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log.error({ err }, 'webhook request failed');
      if (!res.headersSent) send(res, 500);
    });
  });
  server.maxConnections = b.maxConnections;
  // A connection silent this long is closed, one that never sent a request included.
  server.timeout = b.idleMs;
  return server;
}
