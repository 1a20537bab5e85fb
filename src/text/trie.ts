/**
 * Words by their characters, so that the words starting at a place in a text are found by walking
 * it once, without cutting out substrings to look up (each cut of Chinese text is a new string).
 *
 * ```ts
 * const trie = new Trie<string>();
 * trie.add('天河', 'place');
 * trie.add('天河区', 'district');
 * trie.matches('去天河区', 1, (length, value) => console.log(length, value)); // 2 'place', 3 'district'
 * ```
 */
export interface Node<V> {
  next: Map<number, Node<V>> | undefined;
  value: V | undefined;
  /** Whether a word ends here (its value may be undefined). */
  end: boolean;
}

const node = <V>(): Node<V> => ({ next: undefined, value: undefined, end: false });

export class Trie<V = true> {
  private readonly root: Node<V> = node();

  /** Adds a word; adding it again replaces its value. */
  add(word: string, value?: V): void {
    let n = this.root;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      n.next ??= new Map();
      let child = n.next.get(c);
      if (!child) {
        child = node();
        n.next.set(c, child);
      }
      n = child;
    }
    n.end = true;
    if (value !== undefined) n.value = value;
  }

  has(word: string): boolean {
    let n: Node<V> | undefined = this.root;
    for (let i = 0; i < word.length && n; i++) n = n.next?.get(word.charCodeAt(i));
    return n?.end ?? false;
  }

  /** Where a walk starts: call next() with each character's code. */
  get start(): Node<V> {
    return this.root;
  }

  /** The node after a character, or undefined when no word continues with it (no allocation: for hot loops). */
  next(node: Node<V>, code: number): Node<V> | undefined {
    return node.next?.get(code);
  }

  /** Calls `found(length, value)` for each word starting at `at`, shortest first. */
  matches(text: string, at: number, found: (length: number, value: V | undefined) => void): void {
    let n: Node<V> | undefined = this.root;
    for (let i = at; i < text.length; i++) {
      n = n.next?.get(text.charCodeAt(i));
      if (!n) return;
      if (n.end) found(i - at + 1, n.value);
    }
  }

  /** The length of the longest word starting at `at` (0 when none), and its value. */
  longest(text: string, at: number): { length: number; value: V | undefined } {
    let length = 0;
    let value: V | undefined;
    this.matches(text, at, (l, v) => {
      length = l;
      value = v;
    });
    return { length, value };
  }
}
