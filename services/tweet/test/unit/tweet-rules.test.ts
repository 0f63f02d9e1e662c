import { describe, expect, it } from 'vitest';
import { codeOf } from '../fixtures/code-of.ts';
import { checkCanDelete, parseIdempotencyKey, parseSearchQuery } from '../../src/domain/tweet.ts';

describe('who may delete a tweet', () => {
  it('when the caller is the author, then nothing is thrown; anyone else gets NOT_TWEET_AUTHOR', () => {
    expect(() => checkCanDelete({ authorId: '1' }, '1')).not.toThrow();
    expect(codeOf(() => checkCanDelete({ authorId: '1' }, '2'))).toBe('NOT_TWEET_AUTHOR');
  });
});

describe('search queries', () => {
  it('when the query mixes words, punctuation, case and #tags, then lower-cased words and tags, each once', () => {
    expect(parseSearchQuery('  Coffee! #Morning coffee #morning été ')).toEqual({ words: ['coffee', 'été'], hashtags: ['morning'] });
  });

  it('when a word is joined by punctuation, then its parts are words of their own', () => {
    expect(parseSearchQuery("don't e-mail").words).toEqual(['don', 't', 'e', 'mail']);
  });

  it.each([
    ['', 'INVALID_SEARCH_QUERY'],
    ['   ', 'INVALID_SEARCH_QUERY'],
    ['!!! ###', 'INVALID_SEARCH_QUERY'],
    ['x'.repeat(101), 'INVALID_SEARCH_QUERY'],
    ['a b c d e f g h i j k', 'INVALID_SEARCH_QUERY'],
  ])('when the query is %j, then %s', (q, code) => {
    expect(codeOf(() => parseSearchQuery(q))).toBe(code);
  });
});

describe('idempotency keys', () => {
  it('when the key is a UUID, then it is kept; when it is empty, too long or has spaces, then INVALID_IDEMPOTENCY_KEY', () => {
    expect(parseIdempotencyKey('0b8e1c9a-3f0e-4c59-9d55-0d1c1f1e2a3b')).toBe('0b8e1c9a-3f0e-4c59-9d55-0d1c1f1e2a3b');
    for (const bad of ['', 'k'.repeat(129), 'two words']) expect(codeOf(() => parseIdempotencyKey(bad))).toBe('INVALID_IDEMPOTENCY_KEY');
  });
});
