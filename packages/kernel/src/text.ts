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

// The format characters an emoji needs: a zero-width joiner between two emoji (👩‍💻, 🏳️‍🌈) and
// the tag characters of a subdivision flag (🏴 + tags + CANCEL TAG). Variation selectors
// (U+FE0F) and skin tones are not format characters, so they need no exception.
const EMOJI_JOINER = /(?<=[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F\u20E3])\u200D(?=\p{Extended_Pictographic})/gu;
const EMOJI_TAG_SEQUENCE = /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
// Every format character (bidi embeddings, overrides and isolates U+202A–202E and U+2066–2069,
// LRM/RLM, zero-width space and joiners, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD,
// tags...) and the Hangul fillers, which are letters that render as nothing.
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/u;

/**
 * The first character of `text` that changes how text around it is shown while being
 * invisible itself, as `U+XXXX`; undefined when there is none. Names and bios refuse these: a
 * right-to-left override turns `alice\u202Eecila` into a look-alike of another name, and a
 * zero-width space makes two names that look the same differ. Joiners inside emoji are kept.
 */
export function invisibleCharacterIn(text: string): string | undefined {
  const visible = text.replace(EMOJI_JOINER, '').replace(EMOJI_TAG_SEQUENCE, '');
  const found = INVISIBLE.exec(visible)?.[0];
  return found === undefined ? undefined : `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
