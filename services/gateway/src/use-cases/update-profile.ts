import type { UserJson } from '@chirp/kernel/api-v1';
import type { CallContext, MediaService, UserService } from './ports.ts';

/**
 * Changes the caller's profile. An avatar is named by media id: the tweet service (which owns
 * media) checks it is the caller's own ready media and keeps it, and answers its URL, which the
 * user service stores, so every read of a user has the URL without asking for it.
 */
export function makeUpdateProfile(deps: { users: UserService; media: MediaService }) {
  return async function updateProfile(
    userId: string,
    changes: { displayName?: string; bio?: string; avatarMediaId?: string },
    ctx: CallContext,
  ): Promise<UserJson> {
    const { avatarMediaId, ...profile } = changes;
    if (avatarMediaId === undefined) return deps.users.updateProfile(userId, profile, ctx);
    const avatar = await deps.media.useAsAvatar(userId, avatarMediaId, ctx);
    // checkAvatar in the tweet service answers only ready media, which always have a URL.
    if (avatar.url === null) throw new Error(`the tweet service made media ${avatarMediaId} an avatar without a URL; check its status (${avatar.status})`);
    return deps.users.updateProfile(userId, { ...profile, avatarUrl: avatar.url }, ctx);
  };
}
