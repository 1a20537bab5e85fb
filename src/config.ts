/**
 * The one place that reads the environment (and `.env`, when present). Every setting is parsed
 * here with zod; an invalid one stops start-up with one message naming every bad variable and the fix.
 * `.env.example` documents them all.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DEFAULT_KNOWLEDGE_DIR } from './knowledge/load.js';

const knowledgeDir = z
  .string()
  .trim()
  .min(1)
  .default(DEFAULT_KNOWLEDGE_DIR)
  .refine((dir) => existsSync(dir), { message: 'directory does not exist; set it to the folder holding synonyms.json and the article folders' })
  .describe('Folder with the knowledge files (default: the project’s knowledge/)');

const followUpMinutes = z.coerce
  .number({ error: 'must be a number of minutes, such as 10 (0 turns follow-ups off)' })
  .min(0, 'must be 0 (off) or more minutes')
  .max(1440, 'must be at most 1440 minutes (a day)')
  .default(10)
  .describe('How long a conversation remembers the subject of its last question, for follow-ups (0: off)');

const dataDir = z.string().trim().min(1).default('./data').describe('Folder of the SQLite file bot.sqlite (created if missing; unused with DATABASE_URL)');

const databaseUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL such as postgres://bot:password@db:5432/bot (or unset, for the SQLite file in DATA_DIR)')
  .optional()
  .or(z.literal('').transform(() => undefined))
  .describe('PostgreSQL database shared by several replicas (postgres://user:password@host:5432/db); unset: the SQLite file in DATA_DIR');

/** What the command-line tools need (ask, chat). */
export const CoreConfigSchema = z.object({ KNOWLEDGE_DIR: knowledgeDir, FOLLOW_UP_MINUTES: followUpMinutes });

/** What `npm run playground` needs: where its page listens, and where its bot keeps its data. */
export const PlaygroundConfigSchema = z.object({
  KNOWLEDGE_DIR: knowledgeDir,
  PLAYGROUND_PORT: z.coerce
    .number({ error: 'must be a port number such as 8080' })
    .int('must be a whole port number such as 8080')
    .min(0, 'must be 0 (any free port) to 65535')
    .max(65535, 'must be 0 (any free port) to 65535')
    .default(8080)
    .describe('Port of the playground page on 127.0.0.1 (0: any free port)'),
  PLAYGROUND_DATA_DIR: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .describe("The playground bot's data folder (SQLite); unset: a temporary folder, removed when it stops"),
});

/** What `npm run report` needs: the knowledge and the bot's database. */
export const ReportConfigSchema = CoreConfigSchema.extend({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the bot needs in either mode. */
const BotCommon = z.object({
  KNOWLEDGE_DIR: knowledgeDir,
  FOLLOW_UP_MINUTES: followUpMinutes,
  BOT_TOKEN: z
    .string({ error: 'required: the token @BotFather gave you, like 123456789:AA…' })
    .trim()
    .min(1, { message: 'required: the token @BotFather gave you, like 123456789:AA…', abort: true })
    // The shape @BotFather gives (the bot's id, a colon, 35 characters); Telegram says whether it is valid.
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{35}$/, 'does not look like a bot token (digits, a colon, 35 letters, digits, _ or -, such as 123456789:AAF…): copy it from @BotFather')
    .describe('Bot token from @BotFather'),
  TELEGRAM_API_ROOT: z
    .url({ error: 'must be a URL such as https://api.telegram.org' })
    .default('https://api.telegram.org')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe('Bot API server: Telegram’s, a self-hosted one, or a test stand-in'),
  QUESTION_LOG_DAYS: z.coerce
    .number({ error: 'must be a number of days, such as 90 (0 keeps nothing)' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 (keep nothing) or more days')
    .max(3650, 'must be at most 3650 days')
    .default(90)
    .describe('Days the question log keeps a question (scrubbed; no user or chat id); 0: nothing logged, no 👍/👎 buttons'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  ADMIN_IDS: z
    .string()
    .trim()
    .regex(/^(-?\d+(\s*,\s*-?\d+)*)?$/, 'a comma-separated list of Telegram user ids, such as 12345,67890')
    .default('')
    .transform((s) => new Set(s ? s.split(',').map((id) => Number(id.trim())) : []))
    .describe('Operators: may /broadcast, and count as admins in every group'),
  ANNOUNCE_TZ: z
    .string()
    .trim()
    .default('Asia/Shanghai')
    .refine((zone) => IANAZone.isValidZone(zone), 'not a time zone: use an IANA name such as Asia/Shanghai')
    .describe('Time zone of /subscribe times'),
  ANNOUNCE_PER_SECOND: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(30, 'Telegram allows about 30 a second: at most 30').default(25),
  ANNOUNCE_PER_GROUP_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(20, 'Telegram allows 20 a minute in a group: at most 20').default(20),
  METRICS_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(1, 'must be a port number between 1 and 65535')
    .max(65535, 'must be a port number between 1 and 65535')
    .optional()
    .describe('Serve Prometheus metrics at http://METRICS_HOST:METRICS_PORT/metrics (off unless set; never on the webhook port)'),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1').describe('Address the metrics server binds to (loopback unless set)'),
});

/**
 * What the Telegram bot needs (`npm start`): one shape per BOT_MODE (default polling), so that the
 * webhook's settings exist, and are required, only in webhook mode.
 */
export const BotConfigSchema = z.preprocess(
  (env) => (env && typeof env === 'object' && !(env as Record<string, unknown>).BOT_MODE ? { ...env, BOT_MODE: 'polling' } : env),
  z.discriminatedUnion(
    'BOT_MODE',
    [
      BotCommon.extend({
        BOT_MODE: z.literal('polling'),
      }),
      BotCommon.extend({
        BOT_MODE: z.literal('webhook'),
        WEBHOOK_DOMAIN: z
          .string({ error: 'required in webhook mode: the public host name, such as bot.example.org' })
          .trim()
          .regex(/^(https:\/\/)?[a-z0-9.-]+(:\d+)?$/i, 'a public host name such as bot.example.org (https is assumed)')
          .describe('Public host Telegram sends updates to (webhook mode)'),
        WEBHOOK_PATH: z
          .string()
          .trim()
          .regex(/^\/[\w\-/.]*$/, 'a URL path starting with /, such as /telegram')
          .default('/telegram')
          .describe('Path of the webhook endpoint'),
        WEBHOOK_PORT: z.coerce
          .number({ error: 'must be a port number' })
          .int()
          .min(1, 'must be a port number between 1 and 65535')
          .max(65535, 'must be a port number between 1 and 65535')
          .default(8080)
          .describe('Port the webhook server listens on (behind your TLS proxy)'),
        WEBHOOK_HOST: z.string().trim().min(1).default('0.0.0.0').describe('Address the webhook server binds to'),
        WEBHOOK_SECRET: z
          .string({ error: 'required in webhook mode: at least 16 characters; generate one with: openssl rand -hex 24' })
          .regex(/^[\w-]{16,256}$/, 'at least 16 characters of A-Z, a-z, 0-9, _ and - (Telegram’s rule); generate one with: openssl rand -hex 24')
          .describe('Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (webhook mode)'),
      }),
    ],
    { error: 'must be polling or webhook' },
  ),
);
export type BotConfig = z.infer<typeof BotConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment with a schema; throws a ConfigError listing every bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // One bad variable: one line. Several: one line each, under a heading.
  if (lines.length === 1) throw new ConfigError(`${lines[0]} (see .env.example)`);
  throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** The project's `.env`: beside package.json, whatever the current directory (src/ and dist/ are one level down). */
export const DOT_ENV = fileURLToPath(new URL('../.env', import.meta.url));

/** Reads the project's `.env` into process.env when the file exists (variables already set win). */
export function loadDotEnv(file = DOT_ENV): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
