/**
 * The one place that reads the environment (and `.env`, when present). Every setting is parsed
 * here with zod; an invalid one stops start-up with a message naming the variable and the fix.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_KNOWLEDGE_DIR } from './knowledge/load.js';

export const ConfigSchema = z.object({
  KNOWLEDGE_DIR: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_KNOWLEDGE_DIR)
    .refine((dir) => existsSync(dir), { message: 'directory does not exist; set it to the folder holding synonyms.json and the article folders' })
    .describe('Folder with the knowledge files (default: the project’s knowledge/)'),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the given environment (process.env by default); throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
}

/** Reads `.env` into process.env when the file exists (variables already set win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
