// The user's rules, as pure functions: what a handle, password, display name and bio may be.
import { HANDLE_PATTERN, invisibleCharacterIn, isStorableText } from '@chirp/kernel/text';
import {
  bioTooLong,
  cannotFollowSelf,
  invalidAvatarUrl,
  invalidBio,
  invalidDisplayName,
  invalidHandle,
  invisibleCharacters,
  passwordTooLong,
  passwordTooShort,
} from './user-errors.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const DISPLAY_NAME_MIN = 1;
export const DISPLAY_NAME_MAX = 50;
export const BIO_MAX = 160;

export interface User {
  id: string;
  handle: string;
  displayName: string;
  bio: string;
  createdAt: Date;
  followersCount: number;
  followingCount: number;
  tweetCount: number;
  /** Where the avatar is served (a ready media's URL, checked by the tweet service that owns media); null for none. */
  avatarUrl: string | null;
}

/** Characters as a person counts them: code points, so an emoji is one, not two UTF-16 units. */
const lengthOf = (text: string): number => [...text].length;

/** The handle as given (case kept for display); uniqueness and lookups use `handleKey`. */
export function parseHandle(raw: string): string {
  if (lengthOf(raw) < 3) throw invalidHandle('is shorter than 3 characters');
  if (lengthOf(raw) > 15) throw invalidHandle('is longer than 15 characters');
  if (!HANDLE_PATTERN.test(raw)) throw invalidHandle('has characters other than letters, digits and underscores');
  return raw;
}

/** Handles are unique and looked up without regard to case. */
export const handleKey = (handle: string): string => handle.toLowerCase();

export function checkPassword(password: string): string {
  const length = lengthOf(password);
  if (length < PASSWORD_MIN) throw passwordTooShort(PASSWORD_MIN);
  if (length > PASSWORD_MAX) throw passwordTooLong(PASSWORD_MAX);
  return password;
}

/** Trimmed; defaults to the handle when absent. */
export function parseDisplayName(raw: string | undefined, handle: string): string {
  if (raw === undefined) return handle;
  const name = raw.trim();
  const length = lengthOf(name);
  if (length < DISPLAY_NAME_MIN || length > DISPLAY_NAME_MAX || !isStorableText(name, { controls: true })) {
    throw invalidDisplayName(DISPLAY_NAME_MIN, DISPLAY_NAME_MAX);
  }
  refuseInvisible('display name', name);
  return name;
}

const AVATAR_URL = /^https?:\/\/[^\s]{1,2040}$/;

/** An avatar URL as the gateway passes it (the media's own URL): http(s), at most 2 KiB. */
export function parseAvatarUrl(raw: string): string {
  if (!AVATAR_URL.test(raw)) throw invalidAvatarUrl();
  return raw;
}

export function parseBio(raw: string): string {
  const bio = raw.trim();
  if (!isStorableText(bio, { controls: false })) throw invalidBio();
  if (lengthOf(bio) > BIO_MAX) throw bioTooLong(BIO_MAX);
  refuseInvisible('bio', bio);
  return bio;
}

/** Bidi overrides, zero-width and other invisible characters would let a name pass for another. */
function refuseInvisible(field: 'display name' | 'bio', text: string): void {
  const character = invisibleCharacterIn(text);
  if (character !== undefined) throw invisibleCharacters(field, character);
}

export function checkFollow(followerId: string, followeeId: string): void {
  if (followerId === followeeId) throw cannotFollowSelf();
}
