import { UNATTACHED_MEDIA_TTL_HOURS } from '../domain/media.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { MediaStorage, MediaStore } from './ports.ts';

const BATCH = 500;

/**
 * Removes media no one uses: never attached to a tweet nor set as an avatar for 24 hours, or
 * attached to a deleted tweet. Objects go first, then rows, so a failure halfway is retried by
 * the next sweep. How many went.
 */
export function makeSweepMedia(deps: { media: MediaStore; storage: MediaStorage; clock: Clock }) {
  return async function sweepMedia(): Promise<number> {
    const before = new Date(deps.clock.now().getTime() - UNATTACHED_MEDIA_TTL_HOURS * 3600_000);
    let removed = 0;
    for (;;) {
      const batch = await deps.media.listRemovable(before, BATCH);
      if (batch.length === 0) return removed;
      await deps.storage.delete(batch.map((media) => media.key));
      await deps.media.deleteMedia(batch.map((media) => media.id));
      removed += batch.length;
      if (batch.length < BATCH) return removed;
    }
  };
}
