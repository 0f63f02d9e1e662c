import { describe, expect, it } from 'vitest';
import { createLruMap } from '../../src/lru-map.ts';

describe('createLruMap', () => {
  it('when full, then a new entry drops the one least recently read or written', () => {
    const map = createLruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c'), map.size]).toEqual([1, undefined, 3, 2]);
    map.set('a', 10);
    map.set('d', 4);
    expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([10, undefined, 4]);
  });

  it('when its size is 0, then it holds nothing', () => {
    const map = createLruMap<string, number>(0);
    map.set('a', 1);
    expect([map.get('a'), map.size]).toEqual([undefined, 0]);
  });
});
