import { judgeUpload, MAX_MEDIA_BYTES, type Media } from '../domain/media.ts';
import type { ImageInspector, MediaStorage, MediaStore } from './ports.ts';

export interface Verified {
  media: Media;
  /** Why this verification failed the media (for the log); absent otherwise. */
  failedBecause?: string;
}

/**
 * Checks a pending media's object against what was declared, from its own bytes, and settles
 * it ready or failed. Nothing uploaded yet leaves it pending; a settled media is returned as is.
 */
export function makeVerifyMedia(deps: { media: MediaStore; storage: MediaStorage; images: ImageInspector }) {
  return async function verifyMedia(media: Media): Promise<Verified> {
    if (media.status !== 'pending') return { media };
    // An object larger than declared is never read: its size alone fails it.
    const object = await deps.storage.read(media.key, Math.min(media.size, MAX_MEDIA_BYTES));
    if (!object) return { media };
    const verdict = judgeUpload(media, { size: object.size, image: object.bytes && deps.images.inspect(object.bytes) });
    const settled = await deps.media.settleMedia(
      media.id,
      verdict.status === 'ready' ? { status: 'ready', url: deps.storage.urlOf(media.key), width: verdict.width, height: verdict.height } : { status: 'failed' },
    );
    return verdict.status === 'failed' ? { media: settled ?? media, failedBecause: verdict.reason } : { media: settled ?? media };
  };
}
export type VerifyMedia = ReturnType<typeof makeVerifyMedia>;
