// Media a user uploads straight to object storage, and the rules that need no I/O: what may be
// asked for, how an upload is judged from its own bytes, and what a tweet may attach.
import { invalidMedia, mediaSizeInvalid, mediaTooLarge, mediaTypeUnsupported, tooManyMedia } from './media-errors.ts';

export const MEDIA_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type MediaContentType = (typeof MEDIA_CONTENT_TYPES)[number];
/** 5 MiB: the most one upload may be (the presigned policy's content-length range says the same to S3). */
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
export const MAX_MEDIA_PER_TWEET = 4;
/** Media never attached is removed after this long (the sweep, and the bucket's lifecycle rule in AWS). */
export const UNATTACHED_MEDIA_TTL_HOURS = 24;

export type MediaStatus = 'pending' | 'ready' | 'failed';

export interface Media {
  id: string;
  ownerId: string;
  contentType: MediaContentType;
  /** The size the owner declared; a ready media's object has exactly this many bytes. */
  size: number;
  status: MediaStatus;
  /** The object's key in the bucket. */
  key: string;
  /** Set once ready. */
  url: string | null;
  width: number | null;
  height: number | null;
  createdAt: Date;
  /** The tweet it is attached to, once attached. */
  tweetId: string | null;
  /** Whether it is (or was) someone's avatar: kept, like attached media. */
  avatar: boolean;
}

/** What a tweet carries of each attached media: what a client needs to show it. */
export type AttachedMedia = Pick<Media, 'id' | 'contentType' | 'size' | 'url' | 'width' | 'height'>;

const EXTENSIONS: Record<MediaContentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/** An upload request as asked: an allowed image type, 1 byte to 5 MiB. */
export function parseUploadRequest(request: { contentType: string; size: number }): { contentType: MediaContentType; size: number } {
  const contentType = request.contentType.trim().toLowerCase();
  if (!(MEDIA_CONTENT_TYPES as readonly string[]).includes(contentType)) throw mediaTypeUnsupported(request.contentType);
  if (!Number.isInteger(request.size) || request.size < 1) throw mediaSizeInvalid();
  if (request.size > MAX_MEDIA_BYTES) throw mediaTooLarge(request.size, MAX_MEDIA_BYTES);
  return { contentType: contentType as MediaContentType, size: request.size };
}

/** The object key: the owner's folder, the media id and the type's extension (never anything the client named). */
export const mediaKeyOf = (ownerId: string, mediaId: string, contentType: MediaContentType): string => `media/${ownerId}/${mediaId}.${EXTENSIONS[contentType]}`;

/** What the storage holds for an upload: its real size and, when its bytes are an image, what they say. */
export interface UploadedObject {
  size: number;
  image: { contentType: string; width: number; height: number } | undefined;
}

export type Verdict = { status: 'ready'; width: number; height: number } | { status: 'failed'; reason: string };

/**
 * Judges an upload from its own bytes, never the client's word: the size must be the one
 * declared and the bytes an image of the declared type (a PNG declared as JPEG fails).
 */
export function judgeUpload(media: Pick<Media, 'contentType' | 'size'>, object: UploadedObject): Verdict {
  if (object.size !== media.size) return { status: 'failed', reason: `the object has ${object.size} bytes; ${media.size} were declared` };
  if (!object.image) return { status: 'failed', reason: 'the bytes are not an image of an allowed type' };
  if (object.image.contentType !== media.contentType) {
    return { status: 'failed', reason: `the bytes are ${object.image.contentType}; ${media.contentType} was declared` };
  }
  if (object.image.width < 1 || object.image.height < 1) return { status: 'failed', reason: 'the image has no pixels' };
  return { status: 'ready', width: object.image.width, height: object.image.height };
}

/** The ids a tweet asks to attach: at most 4, each once. */
export function parseMediaIds(ids: readonly string[]): string[] {
  if (ids.length > MAX_MEDIA_PER_TWEET) throw tooManyMedia(ids.length, MAX_MEDIA_PER_TWEET);
  if (new Set(ids).size !== ids.length) throw invalidMedia('the same media is named twice');
  return [...ids];
}

/**
 * The media `ids` names, in the order asked, when each is the caller's own, ready and attached
 * to nothing; otherwise INVALID_MEDIA (unknown and someone else's alike, so ids reveal nothing).
 */
export function checkAttachable(ids: readonly string[], found: readonly Media[], callerId: string): Media[] {
  const byId = new Map(found.map((media) => [media.id, media]));
  return ids.map((id) => {
    const media = byId.get(id);
    if (!media || media.ownerId !== callerId) throw invalidMedia(`media ${id} is not one of yours`);
    if (media.status !== 'ready') throw invalidMedia(`media ${id} is ${media.status}, not ready`);
    if (media.tweetId !== null) throw invalidMedia(`media ${id} is already attached to a tweet`);
    return media;
  });
}

/** An avatar: the caller's own ready media (it may be reused as an avatar; a tweet's media may not). */
export function checkAvatar(media: Media | undefined, callerId: string, id: string): Media {
  if (!media || media.ownerId !== callerId) throw invalidMedia(`media ${id} is not one of yours`);
  if (media.status !== 'ready') throw invalidMedia(`media ${id} is ${media.status}, not ready`);
  return media;
}

export const attachedView = ({ id, contentType, size, url, width, height }: Media): AttachedMedia => ({ id, contentType, size, url, width, height });
