import type { Downstreams } from '../../src/adapters/http/route-context.ts';
import type { CallContext, HandleDirectory } from '../../src/use-cases/ports.ts';
import { createLruHandleDirectory } from '../../src/infrastructure/lru-handle-directory.ts';
import { aMedia, aTweet, aUser } from './builders.ts';

export interface RecordedCall {
  port: string;
  method: string;
  args: unknown[];
  ctx: CallContext;
}

/**
 * The services behind the gateway as stand-ins that record every call and answer with
 * builder data, for tests of the gateway's own behaviour (auth, limits, validation, mapping).
 * What the services themselves do is tested against them, and end to end.
 */
export function recordingDownstreams(answers: Partial<Record<string, (...args: unknown[]) => unknown>> = {}) {
  const calls: RecordedCall[] = [];
  const port = <T extends object>(name: string, defaults: Record<string, (...args: unknown[]) => unknown>): T =>
    Object.fromEntries(
      Object.entries(defaults).map(([method, answer]) => [
        method,
        async (...args: unknown[]) => {
          calls.push({ port: name, method, args: args.slice(0, -1), ctx: args.at(-1) as CallContext });
          return (answers[`${name}.${method}`] ?? answer)(...args);
        },
      ]),
    ) as T;
  const page = (item: unknown) => ({ data: [item], nextCursor: null });
  const signedIn = () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 900, user: aUser() });
  const ports: Downstreams & { handles: HandleDirectory } = {
    users: port('users', {
      register: () => aUser(),
      logIn: signedIn,
      refresh: signedIn,
      logOut: () => undefined,
      getById: () => aUser(),
      getByHandle: () => aUser(),
      updateProfile: () => aUser(),
      listFollows: () => page(aUser()),
      follow: () => undefined,
      unfollow: () => undefined,
      search: () => page(aUser()),
    }),
    tweets: port('tweets', {
      post: () => ({ tweet: aTweet(), replayed: false }),
      get: () => aTweet(),
      delete: () => undefined,
      like: () => undefined,
      unlike: () => undefined,
      listByAuthor: () => page(aTweet()),
      listReplies: () => page(aTweet()),
      search: () => page(aTweet()),
    }),
    timelines: port('timelines', { readHome: () => page(aTweet()) }),
    media: port('media', {
      requestUpload: () => ({ media: aMedia(), upload: { url: 'https://bucket.test/', fields: { key: 'media/1001/3001.png' }, expiresAt: '2026-01-01T00:15:00.000Z' } }),
      get: () => aMedia(),
      useAsAvatar: () => aMedia({ status: 'ready', url: 'https://media.test/media/1001/3001.png', width: 8, height: 8 }),
    }),
    handles: createLruHandleDirectory(100),
  };
  return { ports, calls };
}
