/**
 * The Bot API stand-in for .ci/compose-smoke (run with `npx tsx .ci/compose/standin.ts READY_FILE`,
 * SMOKE_TOKEN in the environment), and the smoke test's client side.
 *
 * - The project's stand-in (test/support/bot-api-standin.ts) listens on 127.0.0.1 only, which the
 *   compose network cannot reach. A relay listening on every address forwards each call to it, so
 *   the replicas reach it at host.containers.internal (the compose network's gateway, this host),
 *   and notes the source address of each call: the container, hence the replica, that made it.
 * - A control server on 127.0.0.1: `POST /check` with {url, connect, ca, secret, questions} sends
 *   each question as a private-chat update from its own user through the proxy (TLS verified with
 *   Caddy's own local root certificate, the `Host` being WEBHOOK_DOMAIN), waits for the answers
 *   the bots send back through the stand-in, checks them, and answers with one line per update:
 *   `update_id chat_id source_address`. Any failure is a 500 with the reason and the calls so far.
 * READY_FILE gets {"relayPort", "controlPort"} once everything listens. SIGTERM closes it all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startStandin, type RecordedCall, type Update } from '../../test/support/bot-api-standin.js';

const ready = process.argv[2];
const token = process.env.SMOKE_TOKEN;
if (!ready || !token) throw new Error('usage: SMOKE_TOKEN=… tsx .ci/compose/standin.ts READY_FILE');

const standin = await startStandin({ token });
const target = new URL(standin.url);

/** Every call that came through the relay: the Bot API method, the chat it names, who sent it. */
interface Relayed {
  method: string;
  chatId: unknown;
  from: string;
}
const relayed: Relayed[] = [];

const relay = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let chatId: unknown;
    try {
      chatId = (JSON.parse(body.toString('utf8')) as { chat_id?: unknown }).chat_id;
    } catch {
      // not JSON (no body, or multipart): no chat to note
    }
    relayed.push({ method: /\/([A-Za-z0-9_]+)\/?$/.exec(req.url ?? '')?.[1] ?? '', chatId, from: req.socket.remoteAddress ?? '' });
    const out = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  });
});

interface CheckRequest {
  /** the webhook URL as Telegram would post to it, e.g. https://localhost:PORT/telegram */
  url: string;
  /** the address to connect to instead of the URL's host (the proxy's loopback port) */
  connect: string;
  /** PEM file of the root certificate the proxy's certificate must chain to */
  ca: string;
  secret: string;
  questions: string[];
}

/** POSTs an update through the proxy, TLS verified against `ca`; resolves with the HTTP status. */
function post(check: CheckRequest, update: unknown, secret: string): Promise<number> {
  const url = new URL(check.url);
  const body = JSON.stringify(update);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: check.connect,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        servername: url.hostname,
        ca: readFileSync(check.ca),
        agent: false,
        timeout: 10_000,
        headers: {
          host: url.host,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-telegram-bot-api-secret-token': secret,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${check.url} within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** An answer to "how long does settling in Nansha take": the quoted sentence's "10 working days", and its source. */
const ANSWER = /10\s*(?:个|個)?\s*(?:工作日|工作天|working days)/;
const SOURCE = /[广廣]州日[报報]/;

let nextUser = 5_600_000;
async function check(req: CheckRequest): Promise<string[]> {
  const sent: Array<{ update: Update; chatId: number; at: number }> = [];
  for (const question of req.questions) {
    const chatId = ++nextUser;
    const at = Date.now();
    const update = standin.privateText(question, { userId: chatId, enqueue: false, languageCode: /[a-z]/i.test(question) ? 'en' : 'zh-hans' });
    const status = await post(req, update, req.secret);
    if (status !== 200) throw new Error(`update ${update.update_id} (${question}) got HTTP ${status} from the proxy`);
    sent.push({ update, chatId, at });
  }
  const lines: string[] = [];
  for (const { update, chatId, at } of sent) {
    const answered = (c: RecordedCall) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.at >= at;
    const call = await standin.waitFor(answered, 20_000);
    const text = String(call.params.text);
    if (!call.response?.ok) throw new Error(`the answer to update ${update.update_id} was refused: ${JSON.stringify(call.response)}`);
    if (!ANSWER.test(text) || !SOURCE.test(text)) throw new Error(`update ${update.update_id}: not the expected answer:\n${text}`);
    const via = relayed.find((r) => r.method === 'sendMessage' && r.chatId === chatId);
    if (!via) throw new Error(`update ${update.update_id}: its answer did not come through the relay`);
    lines.push(`${update.update_id} ${chatId} ${via.from.replace(/^::ffff:/, '')}`);
  }
  return lines;
}

const control = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/check') {
      res.writeHead(404).end();
      return;
    }
    check(JSON.parse(Buffer.concat(chunks).toString('utf8')) as CheckRequest).then(
      (lines) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`),
      (e: unknown) => {
        const calls = standin.calls.map((c) => `  ${c.method} → ${c.state} ${c.response?.ok === false ? c.response.description : ''}`).join('\n');
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e instanceof Error ? e.message : String(e)}\ncalls at the stand-in:\n${calls}\n`);
      },
    );
  });
});

const listen = (server: http.Server, host: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
const relayPort = await listen(relay, '0.0.0.0');
const controlPort = await listen(control, '127.0.0.1');
writeFileSync(ready, JSON.stringify({ relayPort, controlPort }));

process.on('SIGTERM', () => {
  relay.closeAllConnections();
  control.closeAllConnections();
  relay.close();
  control.close();
  void standin.close().then(() => process.exit(0));
});
