// What contract suites make in a real service through its internal API (the routes the gateway
// and other services call): tweets to hydrate, users to look up.
import { createApi } from './public-api.ts';

/** Tweets made and deleted: what a suite of a port backed by the tweet service makes its cases with (its fake does the same in memory). */
export interface TweetSeeds {
  /** Creates a tweet by `authorId`; resolves its id. */
  post(authorId: string, text: string): Promise<string>;
  delete(authorId: string, tweetId: string): Promise<void>;
}

/** Users registered: what a suite of a port backed by the user service makes its cases with. */
export interface UserSeeds {
  /** Registers a user; resolves their id. */
  register(handle: string, displayName: string): Promise<string>;
  /** Sets the user's avatar URL (as the user service stores it once the gateway has checked the media). */
  setAvatar(userId: string, avatarUrl: string): Promise<void>;
}

/** Tweets made and deleted through the tweet service at `baseUrl`. */
export function tweetsThrough(baseUrl: string): TweetSeeds {
  const api = createApi(baseUrl);
  return {
    async post(authorId: string, text: string): Promise<string> {
      const answer = await api.call('POST', `/v1/users/${authorId}/tweets`, { body: { text, authorHandle: `author${authorId}` }, timeoutMs: 30_000 });
      if (answer.status !== 201) throw new Error(`the tweet service answered ${answer.status} to a post: ${JSON.stringify(answer.body)}`);
      return String(answer.body.id);
    },
    async delete(authorId: string, tweetId: string): Promise<void> {
      const answer = await api.call('DELETE', `/v1/users/${authorId}/tweets/${tweetId}`, { timeoutMs: 30_000 });
      if (answer.status !== 204) throw new Error(`the tweet service answered ${answer.status} to a delete: ${JSON.stringify(answer.body)}`);
    },
  };
}

/** Users registered through the user service at `baseUrl`. */
export function usersThrough(baseUrl: string): UserSeeds {
  const api = createApi(baseUrl);
  return {
    // The password: the handle and `-password`.
    async register(handle: string, displayName: string): Promise<string> {
      // Long: argon2 takes its time on a loaded machine.
      const answer = await api.call('POST', '/v1/users', { body: { handle, displayName, password: `${handle}-password` }, timeoutMs: 30_000 });
      if (answer.status !== 201) throw new Error(`the user service answered ${answer.status} to a registration: ${JSON.stringify(answer.body)}`);
      return String(answer.body.id);
    },
    async setAvatar(userId: string, avatarUrl: string): Promise<void> {
      const answer = await api.call('PATCH', `/v1/users/${userId}`, { body: { avatarUrl }, timeoutMs: 30_000 });
      if (answer.status !== 200) throw new Error(`the user service answered ${answer.status} to an avatar change: ${JSON.stringify(answer.body)}`);
    },
  };
}
