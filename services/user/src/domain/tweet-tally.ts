// A user's tweet count, kept from tweet events that may come twice or out of order:
// each tweet remembers what was heard of it, and counts while created and not deleted
// (the rule lives in the TweetTallies port, which applies it in one statement).

export type TweetFact = 'created' | 'deleted';
