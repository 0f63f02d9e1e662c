import type { MediaJson } from '@chirp/kernel/api-v1';
import type { ServiceClient } from '@chirp/common/service-client';
import type { MediaService, MediaUpload } from '../use-cases/ports.ts';
import { downstreamCalls, segment } from './downstream-answer.ts';

/** Media behind the MediaService port: the tweet service owns it (its client, breaker and all). */
export function createHttpMediaService(client: ServiceClient): MediaService {
  const send = downstreamCalls(client, 'tweet');
  return {
    // Not retried: each call makes a new pending media (a lost answer leaves one the sweep removes).
    requestUpload: (ownerId, file, ctx) =>
      send<MediaUpload>(201, { method: 'POST', path: `/v1/users/${segment(ownerId)}/media`, body: file, idempotent: false }, ctx),
    // Idempotent: marking a media as an avatar twice leaves it one.
    useAsAvatar: (ownerId, mediaId, ctx) =>
      send<MediaJson>(200, { method: 'POST', path: `/v1/users/${segment(ownerId)}/media/${segment(mediaId)}/avatar`, idempotent: true }, ctx),
    get: (ownerId, mediaId, ctx) => send<MediaJson>(200, { method: 'GET', path: `/v1/users/${segment(ownerId)}/media/${segment(mediaId)}` }, ctx),
  };
}
