// Rules for user-written text that every service applies the same way.

/** A handle: 3–15 of A–Z, a–z, 0–9 and _ (unique without regard to case; the user service owns that). */
export const HANDLE_PATTERN = /^[A-Za-z0-9_]{3,15}$/;

/**
 * Text Postgres can store and JSON can carry: well-formed Unicode (no half of an emoji) and
 * no NUL. With `controls`, the other control characters are refused too (names, handles,
 * queries); tweets and bios keep newlines and tabs.
 */
export const isStorableText = (text: string, options: { controls: boolean }): boolean =>
  text.isWellFormed() && (options.controls ? !/\p{Cc}/u.test(text) : !text.includes('\u0000'));
