import { DomainError } from '@chirp/kernel/errors';

/** The stable codes clients see for user rules; the API contract names the rules (../shared/api/v1.md). */
export const invalidHandle = (reason: string) =>
  new DomainError('invalid', 'INVALID_HANDLE', `The handle ${reason}; use 3–15 letters, digits or underscores.`);
export const handleTaken = () => new DomainError('conflict', 'HANDLE_TAKEN', 'That handle is taken.');
export const passwordTooShort = (min: number) =>
  new DomainError('invalid', 'PASSWORD_TOO_SHORT', `The password must be at least ${min} characters.`);
export const passwordTooLong = (max: number) =>
  new DomainError('invalid', 'PASSWORD_TOO_LONG', `The password must be at most ${max} characters.`);
export const invalidDisplayName = (min: number, max: number) =>
  new DomainError('invalid', 'INVALID_DISPLAY_NAME', `The display name must be ${min}–${max} characters, without control characters.`);
export const invalidBio = () =>
  new DomainError('invalid', 'INVALID_BIO', 'The bio has characters that cannot be stored (a NUL, or half of an emoji).');
export const invisibleCharacters = (field: string, character: string) =>
  new DomainError(
    'invalid',
    'INVISIBLE_CHARACTERS',
    `The ${field} has an invisible formatting character (${character}): bidi controls, zero-width and other format characters are not allowed, except joiners inside emoji.`,
  );
export const bioTooLong = (max: number) => new DomainError('invalid', 'BIO_TOO_LONG', `The bio must be at most ${max} characters.`);
export const cannotFollowSelf = () => new DomainError('invalid', 'CANNOT_FOLLOW_SELF', 'You cannot follow yourself.');
/** One answer for an unknown handle and a wrong password, so login never reveals which handles exist. */
export const invalidCredentials = () => new DomainError('unauthenticated', 'INVALID_CREDENTIALS', 'The handle or password is wrong.');
export const invalidRefreshToken = () =>
  new DomainError('unauthenticated', 'INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again.');
export const refreshTokenExpired = () =>
  new DomainError('unauthenticated', 'REFRESH_TOKEN_EXPIRED', 'The refresh token has expired; sign in again.');
export const sessionRevoked = () =>
  new DomainError('unauthenticated', 'SESSION_REVOKED', 'This session was signed out or revoked; sign in again.');
export const refreshTokenReused = () =>
  new DomainError(
    'unauthenticated',
    'REFRESH_TOKEN_REUSED',
    'This refresh token was already used, so the session has been revoked in case it was stolen; sign in again.',
  );
export const invalidAvatarUrl = () => new DomainError('invalid', 'INVALID_AVATAR_URL', 'The avatar URL must be an http(s) URL of at most 2048 characters.');
