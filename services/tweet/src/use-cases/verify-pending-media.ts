import type { Clock } from '@chirp/kernel/clock';
import type { MediaStore } from './ports.ts';
import type { Verified, VerifyMedia } from './verify-media.ts';

/** How many pending media one pass looks at. */
const BATCH = 100;

/**
 * One pass of the poller that makes an upload ready within seconds when no one reads it: every
 * media still pending whose upload form has not expired is verified. (The local emulator sends
 * no S3 event notifications; in AWS an ObjectCreated notification could call verifyMedia instead.)
 */
export function makeVerifyPendingMedia(deps: { media: MediaStore; verifyMedia: VerifyMedia; clock: Clock; uploadExpirySeconds: number }) {
  return async function verifyPendingMedia(): Promise<Verified[]> {
    const since = new Date(deps.clock.now().getTime() - deps.uploadExpirySeconds * 1000);
    const pending = await deps.media.listPending(since, BATCH);
    const settled: Verified[] = [];
    for (const media of pending) {
      const verified = await deps.verifyMedia(media);
      if (verified.media.status !== 'pending') settled.push(verified);
    }
    return settled;
  };
}
