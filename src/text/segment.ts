/** Chinese text cut by the dictionary segmenter (Intl.Segmenter), and the bit arithmetic of article sets. */

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** The articles (0 … count-1) not in a sorted list. */
export function complement(sorted: readonly number[], count: number): number[] {
  const out: number[] = [];
  let k = 0;
  for (let a = 0; a < count; a++) {
    if (sorted[k] === a) k++;
    else out.push(a);
  }
  return out;
}

/** Set bits in a bit set. */
export function bitCount(bits: Uint32Array): number {
  let n = 0;
  for (let v of bits) {
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

export function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/**
 * The dictionary segmenter's pieces of a text, by offset. The last text's are kept: a run is read
 * once per group of articles (Analyzer.chineseRun) and its typo check asks for the same cut, and
 * segmenting is the costliest step of reading a long run.
 */
let lastCut: { text: string; pieces: Map<number, string> } | undefined;
export function segmentation(text: string): Map<number, string> {
  if (lastCut?.text !== text) {
    const pieces = new Map<number, string>();
    for (const s of segmenter.segment(text)) pieces.set(s.index, s.segment);
    lastCut = { text, pieces };
  }
  return lastCut.pieces;
}

/** Offsets where the dictionary segmenter puts a word boundary (including 0 and the end). */
export function boundaries(text: string): { has(offset: number): boolean } {
  const pieces = segmentation(text);
  return { has: (offset) => offset === text.length || pieces.has(offset) };
}
