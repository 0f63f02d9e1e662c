import { createLruMap } from '@chirp/common/lru-map';
import type { HandleDirectory } from '../use-cases/ports.ts';

/** Handle → id in this process, the least recently used dropped past `maxEntries`. Handles are looked up without regard to case. */
export function createLruHandleDirectory(maxEntries: number): HandleDirectory {
  const ids = createLruMap<string, string>(maxEntries);
  return {
    get: (handle) => ids.get(handle.toLowerCase()),
    remember: (handle, userId) => ids.set(handle.toLowerCase(), userId),
  };
}
