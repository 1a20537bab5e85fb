/**
 * Everything the bot says in its own words (not the articles'), per reply language: one module
 * per language (zh-hans.ts, zh-hant.ts, en.ts) implements this, so a key missing in one language
 * does not compile. The modules that use the words read them through their views (TEXTS, LABELS…).
 */
import type { DigestWords } from '../announce/content.js';
import type { AnnounceTexts, CadenceWords } from '../bot/features/announce.js';
import type { ReviewTexts } from '../bot/features/review.js';
import type { Texts } from '../bot/texts.js';
import type { Labels } from '../qa/render.js';

export interface Messages {
  /** Commands, help, usage lines, notes (bot/texts.ts). */
  bot: Texts;
  /** How answers, partial replies and refusals are worded (qa/render.ts). */
  labels: Labels;
  /** Announcements and subscriptions (bot/features/announce.ts). */
  announce: AnnounceTexts;
  /** Schedules: every day, every Monday (bot/features/announce.ts). */
  cadence: CadenceWords;
  /** The digest's heading and paragraph labels (announce/content.ts). */
  digest: DigestWords;
  /** The operator's review (bot/features/review.ts). */
  review: ReviewTexts;
}
