import { DomainError } from '@chirp/kernel/errors';
import { describe, expect, it } from 'vitest';
import { checkFollow, checkPassword, handleKey, parseBio, parseDisplayName, parseHandle } from '../../src/domain/user.ts';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
  throw new Error('expected a DomainError');
};

describe('handle', () => {
  it('when it is 3–15 letters, digits or underscores, then it is kept as typed', () => {
    for (const ok of ['abc', 'Ada_Lovelace', 'x_1', 'a23456789012345']) expect(parseHandle(ok)).toBe(ok);
  });

  it('when it is too short, too long or has other characters, then INVALID_HANDLE', () => {
    for (const bad of ['ab', 'a234567890123456', 'ada-l', 'ada l', 'adà', 'émile', '', 'ada😀x']) {
      expect(codeOf(() => parseHandle(bad)), bad).toBe('INVALID_HANDLE');
    }
  });

  it('when two handles differ only in case, then they share one key', () => {
    expect(handleKey('Ada_Lovelace')).toBe(handleKey('ada_lovelace'));
    expect(handleKey('ada')).not.toBe(handleKey('adb'));
  });
});

describe('password', () => {
  it('when it is 8–128 characters, then it passes', () => {
    expect(checkPassword('12345678')).toBe('12345678');
    expect(checkPassword('p'.repeat(128))).toHaveLength(128);
  });

  it('when it is shorter than 8 or longer than 128, then a code that says which', () => {
    expect(codeOf(() => checkPassword('1234567'))).toBe('PASSWORD_TOO_SHORT');
    expect(codeOf(() => checkPassword('p'.repeat(129)))).toBe('PASSWORD_TOO_LONG');
  });

  it('when it has emoji, then each counts as one character', () => {
    expect(codeOf(() => checkPassword('😀😀😀😀'))).toBe('PASSWORD_TOO_SHORT');
    expect(checkPassword('😀'.repeat(8))).toBe('😀'.repeat(8));
  });
});

describe('display name and bio', () => {
  it('when no display name is given, then it is the handle', () => {
    expect(parseDisplayName(undefined, 'ada')).toBe('ada');
  });

  it('when a display name is 1–50 characters after trimming, then it is kept trimmed', () => {
    expect(parseDisplayName('  Ada Lovelace  ', 'ada')).toBe('Ada Lovelace');
    expect(parseDisplayName('名'.repeat(50), 'ada')).toHaveLength(50);
  });

  it('when a display name is blank or over 50, then INVALID_DISPLAY_NAME', () => {
    expect(codeOf(() => parseDisplayName('   ', 'ada'))).toBe('INVALID_DISPLAY_NAME');
    expect(codeOf(() => parseDisplayName('x'.repeat(51), 'ada'))).toBe('INVALID_DISPLAY_NAME');
  });

  it('when a display name or bio has a bidi control or another invisible format character, then INVISIBLE_CHARACTERS', () => {
    const invisible = ['alice\u202e', 'ali\u202dce', '\u202aa', 'a\u202bb', 'a\u202cb', 'a\u2066b', 'a\u2067b', 'a\u2068b', 'a\u2069b', 'a\u200bb', 'a\u200eb', 'a\u2060b', 'a\ufeffda', 'ad\u00ada', 'a\u200db', 'a\u200cb', 'a\u3164b', 'a\u{E0041}b'];
    for (const text of invisible) {
      expect(codeOf(() => parseDisplayName(text, 'ada')), JSON.stringify(text)).toBe('INVISIBLE_CHARACTERS');
      expect(codeOf(() => parseBio(text)), JSON.stringify(text)).toBe('INVISIBLE_CHARACTERS');
    }
  });

  it('when the refusal names the character, then the detail says which code point', () => {
    expect(() => parseDisplayName('alice\u202e', 'ada')).toThrow(/U\+202E/);
  });

  it('when joiners and variation selectors sit inside emoji sequences, then the name and bio are kept', () => {
    for (const emoji of ['👩\u200d💻', '🏳\ufe0f\u200d🌈', '❤\ufe0f\u200d🔥', '🧑🏽\u200d🚀', '👍🏽', '1\ufe0f\u20e3', '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', 'Ada 👨\u200d👩\u200d👧']) {
      expect(parseDisplayName(emoji, 'ada'), JSON.stringify(emoji)).toBe(emoji);
      expect(parseBio(emoji), JSON.stringify(emoji)).toBe(emoji);
    }
  });

  it('when a joiner is not between two emoji, then it is refused even next to one', () => {
    for (const text of ['😀\u200d', '\u200d😀', 'a\u200d😀', '😀\u200da']) expect(codeOf(() => parseBio(text)), JSON.stringify(text)).toBe('INVISIBLE_CHARACTERS');
  });

  it('when a bio is over 160 characters, then BIO_TOO_LONG; empty is allowed', () => {
    expect(parseBio('')).toBe('');
    expect(parseBio('b'.repeat(160))).toHaveLength(160);
    expect(codeOf(() => parseBio('b'.repeat(161)))).toBe('BIO_TOO_LONG');
  });
});

describe('follow', () => {
  it('when following yourself, then CANNOT_FOLLOW_SELF; anyone else is fine', () => {
    expect(codeOf(() => checkFollow('1', '1'))).toBe('CANNOT_FOLLOW_SELF');
    expect(() => checkFollow('1', '2')).not.toThrow();
  });
});
