import { DomainError } from '@chirp/kernel/errors';

/** The stable codes clients see for media rules (../shared/api/v1.md, "Additions", Media). */
export const mediaTypeUnsupported = (contentType: string) =>
  new DomainError('invalid', 'MEDIA_TYPE_UNSUPPORTED', `${JSON.stringify(contentType.slice(0, 100))} is not allowed; send image/jpeg, image/png, image/gif or image/webp.`);
export const mediaTooLarge = (size: number, max: number) => new DomainError('invalid', 'MEDIA_TOO_LARGE', `${size} bytes were declared; the most is ${max}.`);
export const mediaSizeInvalid = () => new DomainError('invalid', 'INVALID_MEDIA_SIZE', 'The size must be a whole number of bytes, at least 1.');
export const mediaNotFound = () => new DomainError('not_found', 'MEDIA_NOT_FOUND', 'No such media.');
export const invalidMedia = (reason: string) => new DomainError('invalid', 'INVALID_MEDIA', `Cannot use this media: ${reason}.`);
export const tooManyMedia = (count: number, max: number) => new DomainError('invalid', 'TOO_MANY_MEDIA', `${count} media were named; a tweet takes at most ${max}.`);
