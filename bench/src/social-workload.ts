// The DeathStarBench social-network mix through the gateway: 60% home-timeline reads, 30%
// user-timeline reads, 10% posts; users drawn uniformly; reads of 10 items.
import { handleOf } from './graph.ts';
import type { BenchClient } from './http-client.ts';
import type { Request } from './open-loop.ts';
import { postText } from './text.ts';

export const MIX = { home: 0.6, userTimeline: 0.3, post: 0.1 } as const;
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
}

const ok = (status: number) => status >= 200 && status < 300;

export function socialWorkload(options: SocialWorkloadOptions): SocialWorkload {
  const { client, tokens, random } = options;
  const users = tokens.length;
  const anyUser = () => Math.floor(random() * users);
  let serial = 0;
  return {
    next(): Request {
      const draw = random();
      const user = anyUser();
      const token = tokens[user];
      if (draw < MIX.home) {
        return { op: 'home-timeline', send: async () => statusOf(await client.call('GET', `/v1/timelines/home?limit=${READ_LIMIT}`, { token })) };
      }
      if (draw < MIX.home + MIX.userTimeline) {
        const path = `/v1/users/${handleOf(anyUser())}/tweets?limit=${READ_LIMIT}`;
        return { op: 'user-timeline', send: async () => statusOf(await client.call('GET', path, { token })) };
      }
      const text = postText(random, handleOf(anyUser()), serial++);
      return {
        op: 'post',
        send: async () => {
          const sentAt = performance.now();
          const answer = await client.call('POST', '/v1/tweets', { token, body: { text } });
          if (answer.status === 201) options.onPosted?.({ author: user, tweetId: (answer.body as { id: string }).id, sentAt });
          return statusOf(answer);
        },
      };
    },
  };
}

const statusOf = (answer: { status: number }) => ({ ok: ok(answer.status), status: answer.status });
