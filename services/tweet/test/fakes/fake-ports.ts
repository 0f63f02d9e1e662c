// The tweet service over in-memory fakes, for unit and HTTP tests.
import { aClock, type SettableClock, sequentialIds } from '@chirp/testing/fakes';
import { buildApp } from '../../src/app.ts';
import { createImageSizeInspector } from '../../src/infrastructure/image-size-inspector.ts';
import { makeTweetUseCases, type TweetPorts } from '../../src/use-cases/tweet-use-cases.ts';
import { createInMemoryTweetCache, type InMemoryTweetCache } from './in-memory-tweet-cache.ts';
import { createInMemoryMediaStorage, type InMemoryMediaStorage } from './in-memory-media-storage.ts';
import { createInMemoryTweetStore, type InMemoryTweetStore } from './in-memory-tweet-store.ts';

export interface TestTweetPorts extends TweetPorts {
  tweets: InMemoryTweetStore;
  cache: InMemoryTweetCache;
  clock: SettableClock;
  media: InMemoryTweetStore;
  storage: InMemoryMediaStorage;
}

/** Use cases over fresh fakes, with the fakes for arranging and asserting. */
export function aTweetService(overrides: Partial<TestTweetPorts> = {}) {
  const tweets = overrides.tweets ?? createInMemoryTweetStore();
  const ports: TestTweetPorts = {
    tweets,
    // The same store: media rows live in the tweets' database.
    media: tweets,
    cache: createInMemoryTweetCache(),
    ids: sequentialIds(),
    clock: aClock(),
    storage: createInMemoryMediaStorage(),
    images: createImageSizeInspector(),
    uploadExpirySeconds: 900,
    verifyIntervalMs: 1000,
    ...overrides,
  };
  return { ports, ...makeTweetUseCases(ports) };
}

/** The HTTP app over fakes, for `inject` tests. */
export function aTweetApp(options: { readiness?: { postgres: () => Promise<unknown> } } = {}) {
  const service = aTweetService();
  const app = buildApp({
    config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 8192 },
    readiness: options.readiness ?? { postgres: async () => 'ok' },
    useCases: service,
  });
  return { app, service };
}
