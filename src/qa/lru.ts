/**
 * A map that forgets its least recently used entries once their total cost passes a budget. Used
 * for the engine's answer cache (cost 1 an answer) and its match cache (cost: unit ids held).
 *
 * ```ts
 * const cache = new Lru<string, number[]>(1_000, (units) => units.length + 1);
 * cache.set('南沙', [3, 17]);
 * cache.get('南沙'); // [3, 17], now the most recently used
 * ```
 */
export class Lru<K, V> {
  // Map iteration order is insertion order: re-inserting an entry on every hit keeps the least
  // recently used one first, so eviction walks from the front.
  private readonly map = new Map<K, V>();
  private used = 0;

  /**
   * @param budget total cost kept; 0 keeps nothing.
   * @param cost cost of one value. Default 1 (the budget is then an entry count).
   */
  constructor(
    private readonly budget: number,
    private readonly cost: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.budget <= 0) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= this.cost(old);
    }
    this.map.set(key, value);
    this.used += this.cost(value);
    for (const [k, v] of this.map) {
      if (this.used <= this.budget) break;
      this.map.delete(k);
      this.used -= this.cost(v);
    }
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }
}
