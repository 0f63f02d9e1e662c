import type { Media } from '../domain/media.ts';
import { mediaNotFound } from '../domain/media-errors.ts';
import type { FindVerified } from './find-verified-media.ts';

/**
 * One media, for its owner only (anyone else's is MEDIA_NOT_FOUND). A pending one is verified
 * first, so a client polling right after its upload sees it ready without waiting for the poller.
 */
export function makeGetMedia(deps: { findVerified: FindVerified }) {
  return async function getMedia(query: { mediaId: string; callerId: string }): Promise<Media> {
    const [media] = await deps.findVerified([query.mediaId], query.callerId);
    if (!media || media.ownerId !== query.callerId) throw mediaNotFound();
    return media;
  };
}
