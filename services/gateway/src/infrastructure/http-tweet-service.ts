import type { TweetJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { ServiceClient } from '@chirp/common/service-client';
import type { TweetService } from '../use-cases/ports.ts';
import { bodyOf, downstreamCalls, pageQuery, segment } from './downstream-answer.ts';

/** The tweet service's internal API behind the TweetService port. */
export function createHttpTweetService(client: ServiceClient): TweetService {
  const send = downstreamCalls(client, 'tweet');
  const userPath = (userId: string, rest: string) => `/v1/users/${segment(userId)}/${rest}`;
  return {
    async post({ authorId, authorHandle, text, replyToId, idempotencyKey, mediaIds }, ctx) {
      const response = await client.request<TweetJson>({
        method: 'POST',
        path: userPath(authorId, 'tweets'),
        body: { text, replyToId, mediaIds, authorHandle },
        headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
        // With a key, a retry cannot post twice: the service answers the first tweet again.
        idempotent: idempotencyKey !== undefined,
        requestId: ctx.requestId,
      });
      const tweet = bodyOf(response, 201, 'tweet answered POST /v1/users/:userId/tweets');
      return { tweet, replayed: response.headers['idempotent-replayed'] === 'true' };
    },
    get: (tweetId, viewerId, ctx) => send<TweetJson>(200, { method: 'GET', path: `/v1/tweets/${segment(tweetId)}`, query: { viewerId } }, ctx),
    // Not retried: a retry after a lost 204 would find the tweet deleted and answer 404.
    delete: (tweetId, callerId, ctx) => send<void>(204, { method: 'DELETE', path: userPath(callerId, `tweets/${segment(tweetId)}`), idempotent: false }, ctx),
    like: (tweetId, userId, ctx) => send<void>(204, { method: 'PUT', path: userPath(userId, `likes/${segment(tweetId)}`) }, ctx),
    unlike: (tweetId, userId, ctx) => send<void>(204, { method: 'DELETE', path: userPath(userId, `likes/${segment(tweetId)}`) }, ctx),
    listByAuthor: (authorId, page, viewerId, ctx) =>
      send<Page<TweetJson>>(200, { method: 'GET', path: userPath(authorId, 'tweets'), query: pageQuery(page, viewerId) }, ctx),
    listReplies: (tweetId, page, viewerId, ctx) =>
      send<Page<TweetJson>>(200, { method: 'GET', path: `/v1/tweets/${segment(tweetId)}/replies`, query: pageQuery(page, viewerId) }, ctx),
    search: (q, page, viewerId, ctx) => send<Page<TweetJson>>(200, { method: 'GET', path: '/v1/tweets/search', query: pageQuery(page, viewerId, { q }) }, ctx),
  };
}
