/**
 * A map that forgets its least recently used entries once their total cost passes a budget. Used
 * for the engine's answer cache (cost 1 an answer), its match cache (cost: unit ids held) and the
 * analyzer's caches of recent analyses.
 *
 * ```ts
 * const cache = new Lru<string, number[]>(1_000, (units) => units.length + 1);
 * cache.set('天河', [3, 17]);
 * cache.get('天河'); // [3, 17], now the most recently used
 * ```
 */
interface Entry<V> {
  value: V;
  /** When the entry was last moved to the back (in set() and get() calls). */
  moved: number;
}

export class Lru<K, V> {
  // Map iteration order is insertion order: re-inserting an entry keeps the least recently used one
  // first, so eviction walks from the front. An entry used again soon after it was moved is not moved
  // again (hot entries would otherwise be deleted and re-inserted on every hit), so the order is
  // nearly, not exactly, least recently used.
  private readonly map = new Map<K, Entry<V>>();
  private used = 0;
  private clock = 0;

  /**
   * @param budget total cost kept; 0 keeps nothing.
   * @param cost cost of one value. Default 1 (the budget is then an entry count).
   */
  constructor(
    private readonly budget: number,
    private readonly cost: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.clock++;
    if (this.clock - entry.moved > this.map.size / 4) {
      this.map.delete(key);
      this.map.set(key, entry);
      entry.moved = this.clock;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (this.budget <= 0) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.used -= this.cost(old.value);
    }
    this.map.set(key, { value, moved: ++this.clock });
    this.used += this.cost(value);
    for (const [k, e] of this.map) {
      if (this.used <= this.budget) break;
      this.map.delete(k);
      this.used -= this.cost(e.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
