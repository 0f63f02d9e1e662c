import { DomainError } from '@chirp/common/errors';

/** What a handle can look like (the user service owns the full rule); anything else names nobody. */
const POSSIBLE_HANDLE = /^[A-Za-z0-9_]{3,15}$/;

/**
 * A handle from a URL, checked before it goes anywhere: one that cannot exist is a 404 like any
 * unknown handle, and no other text (`..`, `/`) ever reaches a downstream path.
 */
export function possibleHandle(handle: string): string {
  if (!POSSIBLE_HANDLE.test(handle)) throw new DomainError('not_found', 'USER_NOT_FOUND', 'No such user.');
  return handle;
}
