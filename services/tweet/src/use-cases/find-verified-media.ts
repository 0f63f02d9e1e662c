import type { Media } from '../domain/media.ts';
import type { MediaStore } from './ports.ts';
import type { VerifyMedia } from './verify-media.ts';

/**
 * The media among `ids` as the caller may use them: the caller's pending ones are verified on the
 * spot (an upload the poller has not reached yet is not refused as pending); others' are answered
 * as stored, for the use case to refuse.
 */
export function makeFindVerified(deps: { media: MediaStore; verifyMedia: VerifyMedia }) {
  return async function findVerified(ids: readonly string[], callerId: string): Promise<Media[]> {
    const found = await deps.media.findMedia(ids);
    return Promise.all(found.map(async (media) => (media.ownerId === callerId ? (await deps.verifyMedia(media)).media : media)));
  };
}
export type FindVerified = ReturnType<typeof makeFindVerified>;
