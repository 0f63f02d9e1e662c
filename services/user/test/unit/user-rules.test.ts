import { DomainError } from '@chirp/common/errors';
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
