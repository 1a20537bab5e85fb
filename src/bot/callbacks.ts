/**
 * What a button carries (callback data: at most 64 bytes, and nothing a restart forgets): a fact to
 * answer, a paragraph to show, or a vote on a logged answer.
 *
 *   f:<fact id>                       answer this fact
 *   x:<s|t|e>:<article key>:<sentence id>  show this sentence's paragraph in that language
 *   v:<+|->:<question id>             👍 / 👎 on a logged answer (question-log.ts)
 *
 * The article key is the first 8 hex digits of the SHA-1 of the article id: short, and the same
 * after a restart or a re-ingest.
 */
import { createHash } from 'node:crypto';
import type { Lang } from '../knowledge/schema.js';

const MAX_BYTES = 64;
const LANG_CODE: Record<Lang, string> = { 'zh-Hans': 's', 'zh-Hant': 't', en: 'e' };
const CODE_LANG: Record<string, Lang> = { s: 'zh-Hans', t: 'zh-Hant', e: 'en' };

export type Callback =
  | { kind: 'fact'; factId: string }
  | { kind: 'context'; lang: Lang; articleKey: string; sentenceId: string }
  | { kind: 'vote'; up: boolean; answerId: number };

export function articleKey(articleId: string): string {
  return createHash('sha1').update(articleId).digest('hex').slice(0, 8);
}

const fits = (data: string): string | undefined => (Buffer.byteLength(data) <= MAX_BYTES ? data : undefined);

export const factData = (factId: string): string | undefined => fits(`f:${factId}`);
export const contextData = (articleId: string, sentenceId: string, lang: Lang): string | undefined => fits(`x:${LANG_CODE[lang]}:${articleKey(articleId)}:${sentenceId}`);
export const voteData = (answerId: number, up: boolean): string => `v:${up ? '+' : '-'}:${answerId}`;

/** What a button's data asks for; undefined for data this bot never made. */
export function parseCallback(data: string | undefined): Callback | undefined {
  if (!data) return undefined;
  if (data.startsWith('f:') && data.length > 2) return { kind: 'fact', factId: data.slice(2) };
  let m = /^x:([ste]):([0-9a-f]{8}):(\S+)$/.exec(data);
  if (m) return { kind: 'context', lang: CODE_LANG[m[1]!]!, articleKey: m[2]!, sentenceId: m[3]! };
  m = /^v:([+-]):(\d{1,15})$/.exec(data);
  if (m) return { kind: 'vote', up: m[1] === '+', answerId: Number(m[2]) };
  return undefined;
}
