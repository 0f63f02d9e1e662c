import type { Clock } from '@chirp/kernel/clock';
import type { MediaStore } from './ports.ts';
import type { Verified, VerifyMedia } from './verify-media.ts';

/** How many pending media one pass looks at. */
const BATCH = 100;

/**
 * One pass of the poller that makes an upload ready within seconds when no one reads it: media
 * still pending whose upload form has not expired are claimed (at most once per `verifyIntervalMs`
 * across every replica, least recently looked at first) and verified. (The local emulator sends
 * no S3 event notifications; in AWS an ObjectCreated notification could call verifyMedia instead.)
 */
export function makeVerifyPendingMedia(deps: { media: MediaStore; verifyMedia: VerifyMedia; clock: Clock; uploadExpirySeconds: number; verifyIntervalMs: number }) {
  return async function verifyPendingMedia(): Promise<Verified[]> {
    const at = deps.clock.now();
    const since = new Date(at.getTime() - deps.uploadExpirySeconds * 1000);
    const claimedBefore = new Date(at.getTime() - deps.verifyIntervalMs);
    const pending = await deps.media.claimPending({ since, claimedBefore, at }, BATCH);
    const settled: Verified[] = [];
    for (const media of pending) {
      const verified = await deps.verifyMedia(media);
      if (verified.media.status !== 'pending') settled.push(verified);
    }
    return settled;
  };
}
