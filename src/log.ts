/**
 * JSON logs (pino). Secrets never reach a log line: every line is scrubbed of the bot token and the
 * webhook secret before it is written, whatever put them there (an error message with a request
 * URL, a serialized object, a stack trace).
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

export function createLogger(options: LogOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const secrets = options.secrets.filter((s) => s.length > 0);
  return pino(
    {
      level: options.level,
      base: undefined,
      serializers: { err: pino.stdSerializers.err },
    },
    { write: (line: string) => write(scrub(line, secrets)) },
  );
}
