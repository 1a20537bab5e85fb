/**
 * The bot's own words in the three reply languages. What the articles are about (`topic`, from
 * knowledge/bot.json) and an example question (`example`, the first key fact's) come from the
 * knowledge: no article's words are written here.
 */
import { EN } from '../i18n/en.js';
import { ZH_HANS } from '../i18n/zh-hans.js';
import { ZH_HANT } from '../i18n/zh-hant.js';
import type { Lang } from '../knowledge/schema.js';

export interface Texts {
  /** /source: the article's editors. */
  editors: (names: string) => string;
  help: (covers: string, topic: string) => string;
  examples: string;
  facts: string;
  langSet: string;
  langAuto: string;
  langUsage: string;
  askUsage: (example: string) => string;
  sendText: (example: string) => string;
  groupIntro: (username: string, topic: string) => string;
  staleButton: string;
  /** The button under an answer that shows its whole paragraph. */
  contextButton: string;
  /** Acknowledges a 👍/👎. */
  voteThanks: string;
  /** /privacy: what is kept (QUESTION_LOG_DAYS, 0: nothing) and the follow-up memory (FOLLOW_UP_MINUTES; `shared` by replicas through the database). */
  privacy: (days: number, minutes: number, shared: boolean) => string;
  slowDown: string;
  storageDown: string;
  commands: (example: string) => { command: string; description: string }[];
}

export const TEXTS: Record<Lang, Texts> = {
  'zh-Hans': ZH_HANS.bot,
  'zh-Hant': ZH_HANT.bot,
  en: EN.bot,
};

/** Telegram's language_code → reply language (zh-TW, zh-HK, zh-Hant → Traditional; zh → Simplified). */
export function langFromCode(code: string | undefined): Lang | undefined {
  if (!code) return undefined;
  const c = code.toLowerCase();
  if (c.startsWith('zh')) return /hant|tw|hk|mo/.test(c) ? 'zh-Hant' : 'zh-Hans';
  if (c.startsWith('en')) return 'en';
  return undefined;
}
