import { describe, expect, it } from 'vitest';
import { codeOf } from '../fixtures/code-of.ts';
import { extractEntities, parseTweetText } from '../../src/domain/tweet-text.ts';

describe('tweet text is counted as Twitter counts it, not by .length', () => {
  it.each([
    // [text, weighted length, what .length says]
    ['hello', 5, 5],
    ['😀', 2, 2],
    ['👩‍👩‍👧‍👦', 2, 11],
    ['日本語', 6, 3],
    ['e\u0301', 1, 2],
    ['https://example.com/a/rather/long/path/that/goes/on', 23, 51],
  ])('when the text is %j, then it weighs %i (where .length says %i)', (text, weighted, jsLength) => {
    expect(text.length).toBe(jsLength);
    expect(parseTweetText(text).weightedLength).toBe(weighted);
  });

  it('when 140 CJK characters are posted, then they weigh 280 and pass; one more and TWEET_TOO_LONG, though .length is only 141', () => {
    expect(parseTweetText('語'.repeat(140)).weightedLength).toBe(280);
    expect(codeOf(() => parseTweetText('語'.repeat(141)))).toBe('TWEET_TOO_LONG');
  });

  it('when 280 ASCII characters are posted, then they pass; 281 are TWEET_TOO_LONG', () => {
    expect(parseTweetText('a'.repeat(280)).weightedLength).toBe(280);
    expect(codeOf(() => parseTweetText('a'.repeat(281)))).toBe('TWEET_TOO_LONG');
  });

  it('when a long URL would overflow by .length, then it counts 23 and passes', () => {
    const text = `${'a'.repeat(250)} https://example.com/${'p'.repeat(100)}`;
    expect(text.length).toBeGreaterThan(280);
    expect(parseTweetText(text).weightedLength).toBe(250 + 1 + 23);
  });

  it('when 140 emoji are posted, then they weigh 280 and pass; 141 are too long', () => {
    expect(parseTweetText('🐦'.repeat(140)).weightedLength).toBe(280);
    expect(codeOf(() => parseTweetText('🐦'.repeat(141)))).toBe('TWEET_TOO_LONG');
  });

  it('when the text is blank or only whitespace, then TWEET_EMPTY; surrounding whitespace is trimmed off', () => {
    expect(codeOf(() => parseTweetText(''))).toBe('TWEET_EMPTY');
    expect(codeOf(() => parseTweetText(' \n\t '))).toBe('TWEET_EMPTY');
    expect(parseTweetText('  hi  ')).toEqual({ text: 'hi', weightedLength: 2 });
  });

  it('when the text holds a NUL or half an emoji, then INVALID_TWEET_TEXT; newlines and tabs are kept', () => {
    expect(codeOf(() => parseTweetText('a\u0000b'))).toBe('INVALID_TWEET_TEXT');
    expect(codeOf(() => parseTweetText('half \ud83d emoji'))).toBe('INVALID_TWEET_TEXT');
    expect(parseTweetText('line one\n\tline two').text).toBe('line one\n\tline two');
  });
});

describe('hashtags and mentions', () => {
  it('when a text has repeated tags and mentions in mixed case, then each once: tags lower-cased, mentions as first written', () => {
    expect(extractEntities('#Chirp hi @Bob_1 and @alice, #chirp #Birds @bob_1')).toEqual({
      hashtags: ['chirp', 'birds'],
      mentions: ['Bob_1', 'alice'],
    });
  });

  it('when an email address or a too-long name appears, then it is not a mention', () => {
    expect(extractEntities('mail me@example.com or @abcdefghijklmnopq or @ab').mentions).toEqual([]);
  });
});
