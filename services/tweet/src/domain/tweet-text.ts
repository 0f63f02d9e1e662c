// How tweet text is judged and read, exactly as Twitter does it: the twitter-text library's
// weighted length (most CJK and emoji count 2, every URL 23, after NFC normalization) and
// its hashtag and mention extraction.
import twitterText from 'twitter-text';
import { isStorableText } from '@chirp/common/text';
import { invalidTweetText, tweetEmpty, tweetTooLong } from './tweet-errors.ts';

export const MAX_WEIGHTED_LENGTH = 280;
const HANDLE = /^[A-Za-z0-9_]{3,15}$/;

export interface TweetText {
  text: string;
  weightedLength: number;
}

/** Trims the text and checks its weighted length: 1–280; NUL and half an emoji are refused. */
export function parseTweetText(raw: string): TweetText {
  const text = raw.trim();
  if (text === '') throw tweetEmpty();
  if (!isStorableText(text, { controls: false })) throw invalidTweetText();
  const { weightedLength } = twitterText.parseTweet(text);
  if (weightedLength > MAX_WEIGHTED_LENGTH) throw tweetTooLong(weightedLength, MAX_WEIGHTED_LENGTH);
  return { text, weightedLength };
}

export interface TweetEntities {
  /** Lower-cased, without '#', each once, in order of first appearance. */
  hashtags: string[];
  /** As first written, without '@', each handle once whatever its case; only strings that can be Chirp handles. */
  mentions: string[];
}

export function extractEntities(text: string): TweetEntities {
  const hashtags = [...new Set(twitterText.extractHashtags(text).map((tag) => tag.toLowerCase()))];
  const seen = new Set<string>();
  const mentions: string[] = [];
  for (const mention of twitterText.extractMentions(text)) {
    const key = mention.toLowerCase();
    if (!HANDLE.test(mention) || seen.has(key)) continue;
    seen.add(key);
    mentions.push(mention);
  }
  return { hashtags, mentions };
}
