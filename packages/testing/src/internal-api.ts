// What contract suites make in a real service through its internal API (the routes the gateway
// and other services call): tweets to hydrate, users to look up.
import { type Answer, type Api, createApi } from './public-api.ts';

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

/**
 * One call to a service, answered with `status` or thrown as what the service said to `what`.
 * Long timeout: a registration's argon2, or anything on a loaded machine, takes its time.
 */
async function expectAnswer(api: Api, service: string, what: string, status: number, method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await api.call(method, path, { body, timeoutMs: 30_000 });
  if (answer.status !== status) throw new Error(`the ${service} service answered ${answer.status} to ${what}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Tweets made and deleted through the tweet service at `baseUrl`. */
export function tweetsThrough(baseUrl: string): TweetSeeds {
  const api = createApi(baseUrl);
  return {
    async post(authorId: string, text: string): Promise<string> {
      const answer = await expectAnswer(api, 'tweet', 'a post', 201, 'POST', `/v1/users/${authorId}/tweets`, { text, authorHandle: `author${authorId}` });
      return String(answer.body.id);
    },
    async delete(authorId: string, tweetId: string): Promise<void> {
      await expectAnswer(api, 'tweet', 'a delete', 204, 'DELETE', `/v1/users/${authorId}/tweets/${tweetId}`);
    },
  };
}

/** Users registered through the user service at `baseUrl`. */
export function usersThrough(baseUrl: string): UserSeeds {
  const api = createApi(baseUrl);
  return {
    // The password: the handle and `-password`.
    async register(handle: string, displayName: string): Promise<string> {
      const answer = await expectAnswer(api, 'user', 'a registration', 201, 'POST', '/v1/users', { handle, displayName, password: `${handle}-password` });
      return String(answer.body.id);
    },
    async setAvatar(userId: string, avatarUrl: string): Promise<void> {
      await expectAnswer(api, 'user', 'an avatar change', 200, 'PATCH', `/v1/users/${userId}`, { avatarUrl });
    },
  };
}
