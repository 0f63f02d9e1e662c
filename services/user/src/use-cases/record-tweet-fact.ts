import type { TweetFact } from '../domain/tweet-tally.ts';
import type { TweetTallies } from './ports.ts';

/** Keeps an author's tweet count from tweet events; the same event twice, or a delete before its create, counts right. */
export function makeRecordTweetFact(deps: { users: TweetTallies }) {
  return async function recordTweetFact(fact: { tweetId: string; authorId: string; fact: TweetFact }): Promise<void> {
    if (fact.fact === 'created') await deps.users.recordTweetCreated(fact.tweetId, fact.authorId);
    else await deps.users.recordTweetDeleted(fact.tweetId, fact.authorId);
  };
}
