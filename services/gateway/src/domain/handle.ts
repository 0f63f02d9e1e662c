import { userNotFound } from '@chirp/kernel/errors';
import { HANDLE_PATTERN } from '@chirp/kernel/text';

/**
 * A handle from a URL, checked before it goes anywhere: one that cannot exist is a 404 like any
 * unknown handle, and no other text (`..`, `/`) ever reaches a downstream path.
 */
export function possibleHandle(handle: string): string {
  if (!HANDLE_PATTERN.test(handle)) throw userNotFound();
  return handle;
}
