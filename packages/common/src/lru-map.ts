/**
 * A Map that holds at most `maxEntries`: past that, the entry least recently read or written is
 * dropped. For caches of facts that never change (a handle's user id), where a miss only costs
 * a lookup. A `maxEntries` of 0 holds nothing.
 */
export interface LruMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  readonly size: number;
}

export function createLruMap<K, V>(maxEntries: number): LruMap<K, V> {
  const entries = new Map<K, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        // Re-inserting moves the entry to the end: a Map iterates in insertion order.
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}
