/**
 * Prometheus metrics (prom-client): what people ask and get, how fast, the updates and Bot API
 * calls, the delivery queue, and the process. One registry for the process; `/metrics` serves it
 * (the webhook server, or in polling mode a small server on METRICS_PORT). Names in docs/operating.md.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Result } from './qa/engine.js';
import { outcomeOf } from './store/question-log.js';
import type { Outcome } from './store/store.js';

export const registry = new Registry();
let processMetrics = false;

const answers = new Counter({
  name: 'reformbot_answers_total',
  help: 'Questions answered, by outcome (answered, partial, declined, greeting, help), reply language and door',
  labelNames: ['outcome', 'lang', 'door'] as const,
  registers: [registry],
});
const latency = new Histogram({
  name: 'reformbot_answer_latency_seconds',
  help: 'Time to find an answer (the engine and the conversation memory), by door',
  labelNames: ['door'] as const,
  buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});
const updates = new Counter({ name: 'reformbot_updates_total', help: 'Updates received, by type', labelNames: ['type'] as const, registers: [registry] });
const shed = new Counter({
  name: 'reformbot_updates_shed_total',
  help: 'Updates shed on arrival as part of a flood (or an inline query replaced by a newer one), by type',
  labelNames: ['type'] as const,
  registers: [registry],
});
const telegramCalls = new Counter({
  name: 'reformbot_telegram_calls_total',
  help: 'Bot API calls (each attempt), by method and result: ok, 429, a 4xx code, 5xx, network',
  labelNames: ['method', 'result'] as const,
  registers: [registry],
});
const deliveries = new Counter({
  name: 'reformbot_deliveries_total',
  help: 'Announcement deliveries finished, by result: sent, failed, removed, migrated',
  labelNames: ['result'] as const,
  registers: [registry],
});
const teachings = new Counter({
  name: 'reformbot_teachings_total',
  help: 'Presses in /review that taught something, by verdict: phrasing, decline, skip',
  labelNames: ['verdict'] as const,
  registers: [registry],
});
const learnedAnswers = new Counter({
  name: 'reformbot_learned_answers_total',
  help: 'Questions whose answer (or decline) came from a learned phrasing, by door',
  labelNames: ['door'] as const,
  registers: [registry],
});
let learnedApplied: () => number = () => 0;
new Gauge({
  name: 'reformbot_learned_phrasings',
  help: 'Learned phrasings and declines the engine applies (stale ones left out)',
  registers: [registry],
  collect() {
    this.set(learnedApplied());
  },
});
const scheduledPosts = new Counter({ name: 'reformbot_scheduled_posts_total', help: 'Scheduled posts queued', registers: [registry] });
let queueLength: () => Promise<number> = async () => 0;
new Gauge({
  name: 'reformbot_delivery_queue_length',
  help: 'Deliveries waiting to be sent (pending or sending), over every process on the database',
  registers: [registry],
  async collect() {
    try {
      this.set(await queueLength());
    } catch {
      // The storage is failing: the last value stands (the health check says degraded).
    }
  },
});

export function answered(result: Result | { outcome: Outcome; lang: string }, latencyMs: number, door: string): void {
  answers.inc({ outcome: 'outcome' in result ? result.outcome : outcomeOf(result), lang: result.lang, door });
  if ('learned' in result && result.learned) learnedAnswers.inc({ door });
  latency.observe({ door }, latencyMs / 1000);
}
export const updateSeen = (type: string): void => updates.inc({ type });
export const updateShed = (type: string): void => shed.inc({ type });
export const delivered = (result: string): void => deliveries.inc({ result });
export const scheduledPost = (): void => scheduledPosts.inc();
export const taught = (verdict: 'phrasing' | 'decline' | 'skip'): void => teachings.inc({ verdict });
/** Where the number of learned phrasings in effect is read from on each scrape. */
export function watchLearned(applied: () => number): void {
  learnedApplied = applied;
}
/** Where the queue length is read from on each scrape. */
export function watchQueue(length: () => Promise<number>): void {
  queueLength = length;
}

/** A Bot API call's result label: ok, 429, the 4xx code, 5xx, or network (no answer at all). */
export function telegramCall(method: string, error?: unknown): void {
  const code = (error as { code?: unknown } | undefined)?.code;
  const result = error === undefined ? 'ok' : typeof code !== 'number' ? 'network' : code >= 500 ? '5xx' : String(code);
  telegramCalls.inc({ method, result });
}

/** The Prometheus text, with the process metrics (CPU, memory, event loop) from the first scrape on. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  if (!processMetrics) {
    processMetrics = true;
    collectDefaultMetrics({ register: registry });
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Polling mode's `/metrics` server (METRICS_PORT); anything else is 404. */
export function startMetricsServer(port: number, host: string): Server {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metricsText().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  return server;
}
