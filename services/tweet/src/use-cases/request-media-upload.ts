import { type Media, mediaKeyOf, parseUploadRequest } from '../domain/media.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import type { MediaStorage, MediaStore, UploadForm } from './ports.ts';

/**
 * Records a pending media and answers the presigned form that uploads it straight to the bucket.
 * A refused type or size stores nothing.
 */
export function makeRequestMediaUpload(deps: { media: MediaStore; storage: MediaStorage; ids: IdSource; clock: Clock; uploadExpirySeconds: number }) {
  return async function requestMediaUpload(command: { ownerId: string; contentType: string; size: number }): Promise<{ media: Media; upload: UploadForm }> {
    const { contentType, size } = parseUploadRequest(command);
    const id = deps.ids.next();
    const now = deps.clock.now();
    const key = mediaKeyOf(command.ownerId, id, contentType);
    // Signed first: a failure to sign leaves no row behind.
    const upload = await deps.storage.presignUpload({ key, contentType, size }, new Date(now.getTime() + deps.uploadExpirySeconds * 1000));
    const media: Media = { id, ownerId: command.ownerId, contentType, size, status: 'pending', key, url: null, width: null, height: null, createdAt: now, tweetId: null, avatar: false };
    await deps.media.insertMedia(media);
    return { media, upload };
  };
}
