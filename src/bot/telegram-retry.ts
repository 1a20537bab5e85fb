/**
 * Retries for outgoing Bot API calls, which telegraf does not do: a 429 waits the `retry_after`
 * Telegram asks for, a 5xx or a network error backs off; both a bounded number of times. Other
 * errors (400 bad request, 403 blocked) are final and thrown at once.
 */
import { TelegramError, type Telegram } from 'telegraf';
import type { Logger } from '../log.js';
import { telegramCall } from '../metrics.js';

export interface RetryOptions {
  /** Attempts after the first. Default 3. */
  retries?: number;
  /** A 429 asking to wait longer than this many seconds is not waited for. Default 60. */
  maxRetryAfterSeconds?: number;
  /** First back-off after a 5xx or network error, doubled each time. Default 500 ms. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

const RETRIED = Symbol('retried');
const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What went wrong with a Bot API call, whoever made it (a reply, the delivery queue). */
export type TelegramFault =
  /** 429: wait this long. */
  | { kind: 'throttled'; retryAfterSeconds: number }
  /** 403: the user blocked the bot, or it was removed from the group. */
  | { kind: 'blocked' }
  /** The group became a supergroup with this id. */
  | { kind: 'migrated'; to: number }
  /** 5xx, a network error or a timeout: the same call may work later. */
  | { kind: 'transient' }
  /** Any other refusal (400 bad request…): final. */
  | { kind: 'refused' };

/** The one classification of Bot API errors. */
export function telegramFault(error: unknown): TelegramFault {
  if (error instanceof TelegramError) {
    if (error.code === 429) return { kind: 'throttled', retryAfterSeconds: error.parameters?.retry_after ?? 1 };
    if (error.parameters?.migrate_to_chat_id) return { kind: 'migrated', to: error.parameters.migrate_to_chat_id };
    if (error.code === 403) return { kind: 'blocked' };
    return error.code >= 500 ? { kind: 'transient' } : { kind: 'refused' };
  }
  // No answer from Telegram: node-fetch's FetchError (connection refused or reset, timeouts), an
  // aborted call, any other transport failure. The same call may work later.
  return { kind: 'transient' };
}

/** A call its caller aborted (node-fetch's AbortError), as opposed to one that timed out or failed. */
const aborted = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** How long to wait before retrying a failed call, or undefined when it must not be retried. */
export function retryDelay(error: unknown, attempt: number, o: Required<Omit<RetryOptions, 'log' | 'sleep'>>): number | undefined {
  const fault = telegramFault(error);
  if (fault.kind === 'throttled') return fault.retryAfterSeconds <= o.maxRetryAfterSeconds ? fault.retryAfterSeconds * 1000 : undefined;
  return fault.kind === 'transient' ? o.backoffMs * 2 ** attempt : undefined;
}

/**
 * What a log line says of a failed call: the method, Telegram's status, description and retry-after,
 * or the network error (through the logger's allow-list). Never the payload: it holds the chat id,
 * the text and the buttons' data.
 */
export function failure(method: string, error: unknown): Record<string, unknown> {
  if (error instanceof TelegramError) {
    return { method, status: error.code, description: error.description, ...(error.parameters?.retry_after !== undefined ? { retry_after: error.parameters.retry_after } : {}) };
  }
  return { method, err: error };
}

/** Wraps telegram.callApi in place (once) so every method of this client retries. */
export function withRetries<T extends Telegram>(telegram: T, options: RetryOptions = {}): T {
  const target = telegram as T & { [RETRIED]?: true };
  if (target[RETRIED]) return telegram;
  target[RETRIED] = true;
  const o = { retries: options.retries ?? 3, maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 60, backoffMs: options.backoffMs ?? 500 };
  const sleep = options.sleep ?? sleepMs;
  const call = telegram.callApi.bind(telegram);
  telegram.callApi = (async (method: string, payload: unknown, extra?: unknown) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await (call as (m: string, p: unknown, e?: unknown) => Promise<unknown>)(method, payload, extra);
        telegramCall(method);
        return result;
      } catch (error) {
        // Aborted by its caller (telegraf's polling, at a stop): nothing to retry, count or report.
        if (aborted(error)) throw error;
        telegramCall(method, error);
        const delay = attempt < o.retries ? retryDelay(error, attempt, o) : undefined;
        if (delay === undefined) throw error;
        options.log?.warn({ ...failure(method, error), attempt: attempt + 1, delay_ms: delay }, 'Bot API call failed, retrying');
        await sleep(delay);
      }
    }
  }) as typeof telegram.callApi;
  return telegram;
}
