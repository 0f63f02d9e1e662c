import { hearTweetFact, type TweetFact } from '../domain/tweet-tally.ts';
import type { UserStore } from './ports.ts';

/** Keeps an author's tweet count from tweet events; the same event twice, or a delete before its create, counts right. */
export function makeRecordTweetFact(deps: { users: UserStore }) {
  return async function recordTweetFact(fact: { tweetId: string; authorId: string; fact: TweetFact }): Promise<void> {
    await deps.users.transaction(async (tx) => {
      const tally = await tx.lockTweetTally(fact.tweetId, fact.authorId);
      const { next, delta } = hearTweetFact(tally, fact.fact);
      if (next.created === tally.created && next.deleted === tally.deleted) return;
      await tx.saveTweetTally(fact.tweetId, next);
      if (delta !== 0) await tx.adjustTweetCount(fact.authorId, delta);
    });
  };
}
