import type { UserJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { ServiceClient } from '@chirp/common/service-client';
import type { SignedIn, UserService } from '../use-cases/ports.ts';
import { downstreamCalls, pageQuery, segment } from './downstream-answer.ts';

/** The user service's internal API behind the UserService port. */
export function createHttpUserService(client: ServiceClient): UserService {
  const send = downstreamCalls(client, 'user');
  return {
    register: (account, ctx) => send<UserJson>(201, { method: 'POST', path: '/v1/users', body: account }, ctx),
    logIn: (credentials, ctx) => send<SignedIn>(200, { method: 'POST', path: '/v1/sessions', body: credentials }, ctx),
    refresh: (refreshToken, ctx) => send<SignedIn>(200, { method: 'POST', path: '/v1/sessions/refresh', body: { refreshToken } }, ctx),
    // Logging out twice is harmless, so a lost answer may be retried.
    logOut: (refreshToken, ctx) => send<void>(204, { method: 'POST', path: '/v1/sessions/logout', body: { refreshToken }, idempotent: true }, ctx),
    getById: (userId, viewerId, ctx) => send<UserJson>(200, { method: 'GET', path: `/v1/users/${segment(userId)}`, query: { viewerId } }, ctx),
    getByHandle: (handle, viewerId, ctx) => send<UserJson>(200, { method: 'GET', path: `/v1/users/by-handle/${segment(handle)}`, query: { viewerId } }, ctx),
    updateProfile: (userId, changes, ctx) => send<UserJson>(200, { method: 'PATCH', path: `/v1/users/${segment(userId)}`, body: changes, idempotent: true }, ctx),
    listFollows: (direction, handle, page, viewerId, ctx) =>
      send<Page<UserJson>>(200, { method: 'GET', path: `/v1/users/by-handle/${segment(handle)}/${direction}`, query: pageQuery(page, viewerId) }, ctx),
    follow: (followerId, handle, ctx) => send<void>(204, { method: 'PUT', path: `/v1/users/${segment(followerId)}/following/${segment(handle)}` }, ctx),
    unfollow: (followerId, handle, ctx) => send<void>(204, { method: 'DELETE', path: `/v1/users/${segment(followerId)}/following/${segment(handle)}` }, ctx),
    search: (q, page, viewerId, ctx) => send<Page<UserJson>>(200, { method: 'GET', path: '/v1/users/search', query: pageQuery(page, viewerId, { q }) }, ctx),
  };
}
