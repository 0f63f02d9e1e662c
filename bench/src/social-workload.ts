// The DeathStarBench social-network mix through the gateway: 60% home-timeline reads, 30%
// user-timeline reads, 10% posts; users drawn uniformly; reads of 10 items. Or one operation
// alone (the cost table), follows included: a user follows someone they did not follow yet.
import { handleOf } from './graph.ts';
import type { BenchClient } from './http-client.ts';
import type { Request } from './open-loop.ts';
import { postText } from './text.ts';

export const MIX = { home: 0.6, userTimeline: 0.3, post: 0.1 } as const;
export const OPERATIONS = ['home-timeline', 'user-timeline', 'post', 'follow'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const READ_LIMIT = 10;

export interface SocialWorkload {
  next(): Request;
}

export interface SocialWorkloadOptions {
  client: BenchClient;
  tokens: readonly string[];
  random: () => number;
  /** Told of every acknowledged post, with when it was sent (the fan-out probe samples them). */
  onPosted?: (post: { author: number; tweetId: string; sentAt: number }) => void;
  /** One operation alone instead of the mix. */
  only?: Operation;
  /** Who follows whom already (follower, followee), for `follow`: new pairs are added to it. */
  following?: Set<number>;
}

const ok = (status: number) => status >= 200 && status < 300;

export function socialWorkload(options: SocialWorkloadOptions): SocialWorkload {
  const { client, tokens, random } = options;
  const users = tokens.length;
  const anyUser = () => Math.floor(random() * users);
  let serial = 0;
  const send = (op: Operation, user: number): Request => {
    const token = tokens[user];
    switch (op) {
      case 'home-timeline':
        return { op, send: async () => statusOf(await client.call('GET', `/v1/timelines/home?limit=${READ_LIMIT}`, { token })) };
      case 'user-timeline': {
        const path = `/v1/users/${handleOf(anyUser())}/tweets?limit=${READ_LIMIT}`;
        return { op, send: async () => statusOf(await client.call('GET', path, { token })) };
      }
      case 'post': {
        const text = postText(random, handleOf(anyUser()), serial++);
        return {
          op,
          send: async () => {
            const sentAt = performance.now();
            const answer = await client.call('POST', '/v1/tweets', { token, body: { text } });
            if (answer.status === 201) options.onPosted?.({ author: user, tweetId: (answer.body as { id: string }).id, sentAt });
            return statusOf(answer);
          },
        };
      }
      case 'follow': {
        const following = options.following ?? new Set<number>();
        let followee = anyUser();
        // Reed98 has 4% of all pairs: a few draws find a new one.
        for (let tries = 0; (followee === user || following.has(user * users + followee)) && tries < 100; tries++) followee = anyUser();
        following.add(user * users + followee);
        return { op, send: async () => statusOf(await client.call('PUT', `/v1/users/me/following/${handleOf(followee)}`, { token })) };
      }
    }
  };
  return {
    next(): Request {
      if (options.only) return send(options.only, anyUser());
      const draw = random();
      const user = anyUser();
      if (draw < MIX.home) return send('home-timeline', user);
      if (draw < MIX.home + MIX.userTimeline) return send('user-timeline', user);
      return send('post', user);
    },
  };
}

const statusOf = (answer: { status: number }) => ({ ok: ok(answer.status), status: answer.status });
