import { DomainError } from '@chirp/kernel/errors';

/** The stable codes the gateway answers itself (the services' own codes reach clients as they answered them). */
export const signInRequired = (how: string) => new DomainError('unauthenticated', 'UNAUTHENTICATED', `Sign in: ${how}.`);
export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError('rate_limited', 'RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
export const unexpectedBody = () => new DomainError('invalid', 'UNEXPECTED_BODY', 'This endpoint takes no body.');
export const invalidLastEventId = () => new DomainError('invalid', 'INVALID_LAST_EVENT_ID', 'Last-Event-ID must be the id of a notification this stream sent.');
