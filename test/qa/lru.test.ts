import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/qa/lru.js';

describe('Lru', () => {
  it('forgets the least recently used entries once the budget is spent', () => {
    const cache = new Lru<string, number>(3);
    for (const k of ['a', 'b', 'c']) cache.set(k, k.charCodeAt(0));
    cache.get('a');
    cache.set('d', 100);
    expect(cache.size).toBe(3);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('d')).toBe(100);
  });

  it('counts each value by its cost, and replacing an entry frees its old cost', () => {
    const cache = new Lru<string, number[]>(10, (units) => units.length);
    cache.set('南沙', [1, 2, 3, 4]);
    cache.set('广州', [1, 2, 3, 4, 5, 6]);
    expect(cache.size).toBe(2);
    cache.set('南沙', [1]);
    cache.set('驿站', [1, 2, 3]);
    expect([cache.has('南沙'), cache.has('广州'), cache.has('驿站')]).toEqual([true, true, true]);
    cache.set('证明', [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cache.has('证明')).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new Lru<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
