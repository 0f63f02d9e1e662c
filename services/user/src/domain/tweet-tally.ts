// A user's tweet count, kept from tweet events that may come twice or out of order:
// each tweet remembers what was heard of it, and counts while created and not deleted.

export interface TweetTally {
  created: boolean;
  deleted: boolean;
}

export type TweetFact = 'created' | 'deleted';

const counts = (tally: TweetTally): number => (tally.created && !tally.deleted ? 1 : 0);

/** The tally after hearing `fact`, and by how much the author's tweet count changes. */
export function hearTweetFact(tally: TweetTally, fact: TweetFact): { next: TweetTally; delta: -1 | 0 | 1 } {
  const next = fact === 'created' ? { ...tally, created: true } : { ...tally, deleted: true };
  return { next, delta: (counts(next) - counts(tally)) as -1 | 0 | 1 };
}
