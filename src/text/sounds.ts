/** Toneless pinyin, character by character: how a pinyin-IME typo (天和 for 天河) is recognised. */
import { createRequire } from 'node:module';

// pinyin-pro takes ~100 ms to load: it is loaded on the first question that needs a typo check, so
// a one-shot `ask` that needs none starts faster. Long-running doors call Analyzer.warmUp().
const requireCjs = createRequire(import.meta.url);
let pinyinOf: ((char: string) => string) | undefined;
const charSounds = new Map<string, string>();
/**
 * Toneless pinyin of each character: 天河 → ['tian', 'he']. Character by character (a polyphone gets
 * its first reading) and memoised: the same function keys the vocabulary and the question, so both
 * sides agree, and a question costs a few map look-ups.
 */
export function sounds(text: string): string[] {
  if (!pinyinOf) {
    const { pinyin } = requireCjs('pinyin-pro') as typeof import('pinyin-pro');
    pinyinOf = (c) => pinyin(c, { toneType: 'none', v: true });
  }
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    let sound = charSounds.get(c);
    if (sound === undefined) {
      sound = pinyinOf(c);
      if (charSounds.size < 50_000) charSounds.set(c, sound);
    }
    out.push(sound);
  }
  return out;
}
