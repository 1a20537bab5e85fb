/** The damerau-levenshtein package ships no types: its one function, as documented in its README. */
declare module 'damerau-levenshtein' {
  /** Edit distance counting a swap of two neighbouring letters as one step (gaungzhou → guangzhou: 1). */
  export default function damerau(a: string, b: string): { steps: number; relative: number; similarity: number };
}
