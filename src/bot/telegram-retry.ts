/**
 * Retries for outgoing Bot API calls, which telegraf does not do: a 429 waits the `retry_after`
 * Telegram asks for, a 5xx or a network error backs off; both a bounded number of times. Other
 * errors (400 bad request, 403 blocked) are final and thrown at once.
 */
import { TelegramError, type Telegram } from 'telegraf';
import type { Logger } from '../log.js';

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

/** How long to wait before retrying a failed call, or undefined when it must not be retried. */
export function retryDelay(error: unknown, attempt: number, o: Required<Omit<RetryOptions, 'log' | 'sleep'>>): number | undefined {
  if (error instanceof TelegramError) {
    if (error.code === 429) {
      const after = error.parameters?.retry_after ?? 1;
      return after <= o.maxRetryAfterSeconds ? after * 1000 : undefined;
    }
    return error.code >= 500 ? o.backoffMs * 2 ** attempt : undefined;
  }
  // node-fetch's FetchError (connection refused or reset, timeouts) and other transport failures.
  const e = error as { name?: string; type?: string; code?: string } | undefined;
  const network = e?.name === 'FetchError' || e?.type === 'system' || /^E[A-Z]+$/.test(e?.code ?? '');
  return network ? o.backoffMs * 2 ** attempt : undefined;
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
        return await (call as (m: string, p: unknown, e?: unknown) => Promise<unknown>)(method, payload, extra);
      } catch (error) {
        const delay = attempt < o.retries ? retryDelay(error, attempt, o) : undefined;
        if (delay === undefined) throw error;
        options.log?.warn({ method, attempt: attempt + 1, delay_ms: delay, err: error }, 'Bot API call failed, retrying');
        await sleep(delay);
      }
    }
  }) as typeof telegram.callApi;
  return telegram;
}
