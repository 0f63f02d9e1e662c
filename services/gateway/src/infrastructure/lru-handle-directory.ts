import type { HandleDirectory } from '../use-cases/ports.ts';

/** Handle → id in this process, the least recently used dropped past `maxEntries`. Handles are looked up without regard to case. */
export function createLruHandleDirectory(maxEntries: number): HandleDirectory {
  const ids = new Map<string, string>();
  return {
    get(handle) {
      const key = handle.toLowerCase();
      const id = ids.get(key);
      if (id !== undefined) {
        // Re-inserting moves the entry to the end: Map keeps insertion order.
        ids.delete(key);
        ids.set(key, id);
      }
      return id;
    },
    remember(handle, userId) {
      const key = handle.toLowerCase();
      ids.delete(key);
      ids.set(key, userId);
      if (ids.size > maxEntries) ids.delete(ids.keys().next().value!);
    },
  };
}
