import { checkAvatar, type Media } from '../domain/media.ts';
import type { MediaStore } from './ports.ts';
import type { FindVerified } from './find-verified-media.ts';

/**
 * Makes one of the caller's ready media an avatar: it is kept from the sweep (and from its
 * tweet's deletion) for as long as the media exists. Answers the media, whose URL the user
 * service stores; anything but the caller's own ready media is INVALID_MEDIA.
 */
export function makeUseMediaAsAvatar(deps: { media: MediaStore; findVerified: FindVerified }) {
  return async function useMediaAsAvatar(command: { mediaId: string; callerId: string }): Promise<Media> {
    const [media] = await deps.findVerified([command.mediaId], command.callerId);
    const avatar = checkAvatar(media, command.callerId, command.mediaId);
    await deps.media.markAvatar(avatar.id);
    return { ...avatar, avatar: true };
  };
}
