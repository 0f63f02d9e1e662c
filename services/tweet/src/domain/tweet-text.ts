// How tweet text is judged and read, exactly as Twitter does it: the twitter-text library's
// weighted length (most CJK and emoji count 2, every URL 23, after NFC normalization) and
// its hashtag and mention extraction.
import twitterText from 'twitter-text';
import { HANDLE_PATTERN, isStorableText } from '@chirp/kernel/text';
import { invalidTweetText, tweetEmpty, tweetTooLong } from './tweet-errors.ts';

export const MAX_WEIGHTED_LENGTH = 280;

export interface TweetText {
  text: string;
  weightedLength: number;
}

/**
 * Trims the text and checks its weighted length: 1–280 (0 with media); NUL and half an emoji are refused.
 * The text is kept in NFC, the form twitter-text counts, so 'é' typed as e + accent is stored,
 * searched and shown like the precomposed one.
 */
export function parseTweetText(raw: string, options: { withMedia?: boolean } = {}): TweetText {
  if (!isStorableText(raw, { controls: false })) throw invalidTweetText();
  const text = raw.normalize('NFC').trim();
  // A tweet with media may say nothing.
  if (text === '' && !options.withMedia) throw tweetEmpty();
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

/** The longest word search looks for: a query is at most 100 characters, so no longer word can ever be asked. */
export const SEARCH_TERM_MAX = 100;
const TERM = /[\p{L}\p{M}\p{N}_]+/gu;

/**
 * The words search finds a text by, each once: NFC, lower-cased runs of letters (with their
 * combining marks, so Devanagari or decomposed Latin stays whole), digits and underscores.
 * 'node.js' is 'node' and 'js'; 'snake_case' one word. Tweets are indexed and queries parsed
 * with this one function, so both sides always agree on what a word is.
 */
export function searchTermsOf(text: string): string[] {
  const terms = new Set<string>();
  for (const term of text.normalize('NFC').toLowerCase().match(TERM) ?? []) {
    if ([...term].length <= SEARCH_TERM_MAX) terms.add(term);
  }
  return [...terms];
}

/** Hashtags as twitter-text finds them, lower-cased, each once; on tweets and in queries alike. */
export const hashtagsOf = (text: string): string[] => [...new Set(twitterText.extractHashtags(text.normalize('NFC')).map((tag) => tag.toLowerCase()))];

export function extractEntities(text: string): TweetEntities {
  const hashtags = hashtagsOf(text);
  const seen = new Set<string>();
  const mentions: string[] = [];
  for (const mention of twitterText.extractMentions(text)) {
    const key = mention.toLowerCase();
    if (!HANDLE_PATTERN.test(mention) || seen.has(key)) continue;
    seen.add(key);
    mentions.push(mention);
  }
  return { hashtags, mentions };
}
