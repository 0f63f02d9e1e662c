// What benchmark users write: a sentence with a mention and a hashtag, well under 280 characters.
const TOPICS = ['coffee', 'the library', 'finals', 'the game tonight', 'a new album', 'the weather', 'lunch', 'a paper deadline'];
const TAGS = ['reed', 'campus', 'music', 'study', 'food', 'weekend', 'news', 'chirp'];

export function postText(random: () => number, mention: string, serial: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return `Post ${serial}: thinking about ${pick(TOPICS)} with @${mention}, anyone else? #${pick(TAGS)}`;
}
