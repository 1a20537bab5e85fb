/**
 * JSON logs (pino). Two promises hold for every line, whatever put data there:
 * - No secret: every line is scrubbed of the bot token, the webhook secret and the database
 *   password (an error message with a request URL, a stack trace).
 * - No one named: errors are logged through an allow-list (`safeError`): their type, message, code,
 *   stack and, for a Bot API error, the method, status, description and retry-after — never the
 *   call's payload (chat id, message text, callback data), telegraf's `on`, a response body or a
 *   database error's `detail`. Callers log update ids, chat types and counts, never ids or text.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LogOptions {
  level: LevelWithSilent;
  /** Strings that must never appear in a log line. */
  secrets: string[];
  /** Where lines go; stdout by default. Tests pass their own. */
  write?: (line: string) => void;
}

export const REDACTED = '[REDACTED]';

/** Replaces every secret (and its URL-encoded form) in a text. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/** What an error says in a log line. */
export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  /** A system error's code (ECONNRESET), a Bot API status (429), a SQLSTATE. */
  code?: string | number;
  /** Bot API errors: the method called, Telegram's description, how long it asked to wait. */
  method?: string;
  description?: string;
  retry_after?: number;
  cause?: SafeError;
}

/** How deep a chain of causes is followed. */
const MAX_CAUSES = 3;

/** The allow-listed fields of an error (anything else it carries stays out of the log). */
export function safeError(err: unknown, depth = 0): SafeError {
  if (!(err instanceof Error)) return { type: typeof err, message: typeof err === 'string' ? err : 'non-error thrown' };
  const e = err as Error & { code?: unknown; on?: { method?: unknown }; response?: { description?: unknown; parameters?: { retry_after?: unknown } } };
  const out: SafeError = { type: e.constructor?.name ?? e.name, message: e.message };
  if (e.stack) out.stack = e.stack;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.on?.method === 'string') out.method = e.on.method;
  if (typeof e.response?.description === 'string') out.description = e.response.description;
  if (typeof e.response?.parameters?.retry_after === 'number') out.retry_after = e.response.parameters.retry_after;
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = safeError(e.cause, depth + 1);
  return out;
}

export function createLogger(options: LogOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const secrets = options.secrets.filter((s) => s.length > 0);
  return pino(
    {
      level: options.level,
      base: undefined,
      serializers: { err: safeError },
    },
    { write: (line: string) => write(scrub(line, secrets)) },
  );
}
