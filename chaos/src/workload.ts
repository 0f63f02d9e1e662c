// The chaos workload through the public API: users who follow each other, then posts at a steady
// rate from random authors, each with its own Idempotency-Key, retried (same key) after a failure
// or a timeout until acknowledged or out of time, as a careful client does.
import { randomUUID } from 'node:crypto';
import type { Answer, Api } from '@chirp/testing/public-api';
import type { Post } from './checker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Worth another try: the platform or a hop in front of it failed, or asked to slow down. */
const retryable = (status: number) => status >= 500 || status === 429;

/**
 * Calls until an answer that is not retryable, or `deadline` (ms since epoch) passes; returns the
 * last answer, or throws the last error. Backoff 100 ms doubling to 2 s, with jitter.
 */
export async function persist(attempt: () => Promise<Answer>, deadline: number): Promise<Answer> {
  for (let tries = 0; ; tries++) {
    let outcome: Answer | Error;
    try {
      outcome = await attempt();
      if (!retryable(outcome.status)) return outcome;
    } catch (error) {
      outcome = error as Error;
    }
    if (Date.now() > deadline) {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }
    await sleep(Math.min(2000, 100 * 2 ** tries) * (0.5 + Math.random() / 2));
  }
}

export interface ChaosUser {
  id: string;
  handle: string;
  token: string;
}

/** `count` users; user i follows the next `follows` users (so each has as many followers). */
export async function setUpUsers(api: Api, count: number, follows: number, deadline: number): Promise<{ users: ChaosUser[]; followers: Map<string, string[]> }> {
  const users: ChaosUser[] = [];
  for (let index = 0; index < count; index++) {
    const handle = `chaos_${index}`;
    const password = `chaos-password-${index}`;
    const registered = await persist(() => api.call('POST', '/v1/auth/register', { body: { handle, password }, timeoutMs: 15_000 }), deadline);
    if (registered.status !== 201 && registered.body.code !== 'HANDLE_TAKEN') throw new Error(`registering ${handle} answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    const login = await persist(() => api.call('POST', '/v1/auth/login', { body: { handle, password }, timeoutMs: 15_000 }), deadline);
    if (login.status !== 200) throw new Error(`signing in ${handle} answered ${login.status}: ${JSON.stringify(login.body)}`);
    const user = login.body.user as { id: string };
    users.push({ id: user.id, handle, token: login.body.accessToken as string });
  }
  const followers = new Map<string, string[]>(users.map((user) => [user.id, []]));
  for (const [index, user] of users.entries()) {
    for (let step = 1; step <= follows; step++) {
      const followee = users[(index + step) % users.length]!;
      const answer = await persist(() => api.call('PUT', `/v1/users/me/following/${followee.handle}`, { token: user.token }), deadline);
      if (answer.status !== 204) throw new Error(`${user.handle} following ${followee.handle} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      followers.get(followee.id)!.push(user.id);
    }
  }
  return { users, followers };
}

export interface PostingOptions {
  ratePerSecond: number;
  seconds: number;
  /** How long after the last post was started its retries may go on. */
  retryGraceMs: number;
  runId: string;
}

export interface PostingResult {
  posts: Post[];
  attempts: number;
  /** Posts given up without an acknowledgement, with their last answer or error. */
  unacknowledged: Array<{ key: string; last: string }>;
  /** Every attempt's outcome, counted: `201`, `503 SERVICE_UNAVAILABLE`, `timeout`, `network`... */
  outcomes: Record<string, number>;
}

/** Post attempts in flight at once, across all users (the clients' connection pool). */
const CONNECTIONS = 32;

/** Runs at most `size` of the calls given to it at once; the others wait their turn, in order. */
export function pool(size: number): <T>(call: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (call) => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** The kind of an attempt's outcome, for counting. */
function outcomeOf(outcome: Answer | Error): string {
  if (!(outcome instanceof Error)) return `${outcome.status}${typeof outcome.body.code === 'string' ? ` ${outcome.body.code}` : ''}`;
  return outcome.name === 'TimeoutError' ? 'timeout' : 'network';
}

/** Posts at a steady rate for `seconds`, then waits for every post's retries to end. */
export async function postSteadily(api: Api, users: readonly ChaosUser[], options: PostingOptions): Promise<PostingResult> {
  const posts: Post[] = [];
  const unacknowledged: PostingResult['unacknowledged'] = [];
  let attempts = 0;
  const pending: Promise<void>[] = [];
  const started = Date.now();
  const outcomes: Record<string, number> = {};
  // A client fleet's connections are bounded: without a bound, every unacknowledged post retried
  // at once after an outage, hundreds of attempts in flight on a machine serving a few dozen per
  // second, so each waited past its timeout, was retried, and the backlog never drained
  // (measured: 28,988 attempts for 800 posts, the last acknowledged 105 s after the last heal).
  const connection = pool(CONNECTIONS);
  const count = (outcome: Answer | Error) => {
    const kind = outcomeOf(outcome);
    outcomes[kind] = (outcomes[kind] ?? 0) + 1;
  };
  const attempt = (author: ChaosUser, post: Post) => async (): Promise<Answer> => {
    try {
      const answer = await connection(() => {
        attempts += 1;
        return api.call('POST', '/v1/tweets', { token: author.token, body: { text: post.text }, headers: { 'idempotency-key': post.key }, timeoutMs: 10_000 });
      });
      count(answer);
      return answer;
    } catch (error) {
      count(error as Error);
      throw error;
    }
  };
  const total = Math.round(options.ratePerSecond * options.seconds);
  const deadline = started + options.seconds * 1000 + options.retryGraceMs;
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / options.ratePerSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    const author = users[Math.floor(Math.random() * users.length)]!;
    const post: Post = { key: randomUUID(), text: `chaos ${options.runId} post ${n} by ${author.handle}`, authorId: author.id };
    posts.push(post);
    pending.push(
      persist(attempt(author, post), deadline).then(
        (answer) => {
          if (answer.status === 201) {
            post.id = answer.body.id as string;
            post.ackedAtMs = Date.now();
          } else unacknowledged.push({ key: post.key, last: `${answer.status} ${String(answer.body.code)}` });
        },
        (error: unknown) => {
          unacknowledged.push({ key: post.key, last: (error as Error).message });
        },
      ),
    );
  }
  await Promise.all(pending);
  return { posts, attempts, unacknowledged, outcomes };
}
