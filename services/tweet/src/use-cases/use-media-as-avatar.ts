import { checkAvatar, type Media } from '../domain/media.ts';
import type { MediaStore } from './ports.ts';
import type { VerifyMedia } from './verify-media.ts';

/**
 * Makes one of the caller's ready media an avatar: it is kept from the sweep (and from its
 * tweet's deletion) for as long as the media exists. Answers the media, whose URL the user
 * service stores; anything but the caller's own ready media is INVALID_MEDIA.
 */
export function makeUseMediaAsAvatar(deps: { media: MediaStore; verifyMedia: VerifyMedia }) {
  return async function useMediaAsAvatar(command: { mediaId: string; callerId: string }): Promise<Media> {
    const [found] = await deps.media.findMedia([command.mediaId]);
    // An upload the poller has not reached yet is verified now.
    const media = found && found.ownerId === command.callerId ? (await deps.verifyMedia(found)).media : found;
    const avatar = checkAvatar(media, command.callerId, command.mediaId);
    await deps.media.markAvatar(avatar.id);
    return { ...avatar, avatar: true };
  };
}
