// The media adapters on the real servers: Postgres for the rows, S3 on the emulator for the
// objects (a real presigned form POST, multipart/form-data), against the same contracts as the fakes.
import { aPng, postUploadForm } from '@chirp/testing/images';
import { createTestBucket, createTestDatabase, stackEnv, type TestBucket, type TestDatabase } from '@chirp/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TWEET_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgMediaStore } from '../../src/infrastructure/pg-media-store.ts';
import { createPgTweetStore } from '../../src/infrastructure/pg-tweet-store.ts';
import { createS3MediaStorage } from '../../src/infrastructure/s3-media-storage.ts';
import { mediaStorageContract } from '../contract/media-storage.contract.ts';
import { mediaStoreContract } from '../contract/media-store.contract.ts';

let db: TestDatabase;
let bucket: TestBucket;
beforeAll(async () => {
  [db, bucket] = await Promise.all([createTestDatabase({ migrations: TWEET_MIGRATIONS }), createTestBucket()]);
});
afterAll(async () => {
  await db.drop();
  await bucket.destroy();
});

const s3Storage = () => createS3MediaStorage(bucket.s3, { bucket: bucket.name, publicBaseUrl: `${stackEnv().AWS_ENDPOINT_URL}/${bucket.name}` });

mediaStoreContract('Postgres', async () => ({ media: createPgMediaStore(db.pool), tweets: createPgTweetStore(db.pool) }));
mediaStorageContract('S3 (fauxqs)', async () => ({
  storage: s3Storage(),
  async upload(form, bytes) {
    expect(await postUploadForm(form, bytes)).toBe(204);
  },
}));

it('when a form is signed, then its policy pins the key, the content type and the exact length', async () => {
  const form = await s3Storage().presignUpload({ key: 'media/42/1.png', contentType: 'image/png', size: 68 }, new Date(Date.now() + 60_000));
  const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString('utf8')) as { conditions: unknown[]; expiration: string };
  expect(policy.conditions).toEqual(
    expect.arrayContaining([{ bucket: bucket.name }, { key: 'media/42/1.png' }, ['content-length-range', 68, 68], ['eq', '$Content-Type', 'image/png']]),
  );
  expect(form.url).toBe(`${stackEnv().AWS_ENDPOINT_URL}/${bucket.name}`);
});

it('when an uploaded object is fetched from its public URL, then it answers the same bytes; once deleted, it stops answering', async () => {
  const storage = s3Storage();
  const png = aPng(6, 7);
  const key = `media/42/${Date.now()}.png`;
  expect(await postUploadForm(await storage.presignUpload({ key, contentType: 'image/png', size: png.byteLength }, new Date(Date.now() + 60_000)), png)).toBe(204);
  const served = await fetch(storage.urlOf(key));
  expect(served.status).toBe(200);
  expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
  await storage.delete([key]);
  const gone = await fetch(storage.urlOf(key));
  await gone.arrayBuffer();
  expect(gone.status).toBe(404);
});

it('when the bucket does not exist, then storage calls fail as DEPENDENCY_UNAVAILABLE naming the bucket', async () => {
  const storage = createS3MediaStorage(bucket.s3, { bucket: 'no-such-bucket-chirp', publicBaseUrl: 'http://x.invalid' });
  await expect(storage.read('media/1.png', 10)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', message: expect.stringContaining('no-such-bucket-chirp') });
});
