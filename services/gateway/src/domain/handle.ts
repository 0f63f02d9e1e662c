import { DomainError } from '@chirp/common/errors';
import { HANDLE_PATTERN } from '@chirp/common/text';

/**
 * A handle from a URL, checked before it goes anywhere: one that cannot exist is a 404 like any
 * unknown handle, and no other text (`..`, `/`) ever reaches a downstream path.
 */
export function possibleHandle(handle: string): string {
  if (!HANDLE_PATTERN.test(handle)) throw new DomainError('not_found', 'USER_NOT_FOUND', 'No such user.');
  return handle;
}
