import { DomainError } from '@chirp/kernel/errors';

/** The stable codes clients see for notification input; the API contract names the rules (../shared/api/v1.md). */
export const invalidNotificationTypes = (known: readonly string[], unknown: readonly string[]) =>
  new DomainError(
    'invalid',
    'INVALID_NOTIFICATION_TYPES',
    `types is a comma-separated list of ${known.join(', ')}${unknown.length > 0 ? `; not known: ${unknown.slice(0, 4).map((t) => JSON.stringify(t.slice(0, 20))).join(', ')}` : ''}.`,
  );
export const invalidNotificationId = () =>
  new DomainError('invalid', 'INVALID_NOTIFICATION_ID', 'upToId must be a notification id: a decimal number from 1 to 9223372036854775807.');
