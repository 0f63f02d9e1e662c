// The media bucket in memory, for unit and HTTP tests; test/contract keeps it honest against S3 (the emulator).
import type { MediaStorage } from '../../src/use-cases/ports.ts';

export interface InMemoryMediaStorage extends MediaStorage {
  /** What a client's upload through the form would leave in the bucket. */
  put(key: string, bytes: Uint8Array): void;
  readonly objects: ReadonlyMap<string, Uint8Array>;
}

export function createInMemoryMediaStorage(): InMemoryMediaStorage {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    put: (key, bytes) => void objects.set(key, Uint8Array.from(bytes)),
    async presignUpload({ key, contentType }, expiresAt) {
      return { url: 'https://bucket.test/', fields: { key, 'Content-Type': contentType }, expiresAt };
    },
    async read(key, maxBytes) {
      const bytes = objects.get(key);
      if (!bytes) return undefined;
      return { size: bytes.byteLength, bytes: bytes.byteLength <= maxBytes ? Uint8Array.from(bytes) : undefined };
    },
    urlOf: (key) => `https://media.test/${key}`,
    async delete(keys) {
      for (const key of keys) objects.delete(key);
    },
  };
}
