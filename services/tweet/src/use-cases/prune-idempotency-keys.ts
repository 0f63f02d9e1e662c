import { IDEMPOTENCY_WINDOW_HOURS } from '../domain/tweet.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { TweetStore } from './ports.ts';

/** Forgets idempotency keys past the window (a key older than it would be replaced on reuse anyway). */
export function makePruneIdempotencyKeys(deps: { tweets: TweetStore; clock: Clock }) {
  return async function pruneIdempotencyKeys(): Promise<number> {
    return deps.tweets.pruneIdempotencyKeys(new Date(deps.clock.now().getTime() - IDEMPOTENCY_WINDOW_HOURS * 3600_000));
  };
}
