// One suite for every MediaStorage: the in-memory fake (unit) and S3 on the emulator (integration).
import { aPng } from '@chirp/testing/images';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaStorage, UploadForm } from '../../src/use-cases/ports.ts';

/** A storage and how a client uploads through one of its forms. */
export interface StorageUnderTest {
  storage: MediaStorage;
  upload(form: UploadForm, bytes: Uint8Array): Promise<void>;
}

let serial = 0;
const aKey = () => `media/42/${Date.now()}${(serial += 1)}.png`;

export function mediaStorageContract(name: string, make: () => Promise<StorageUnderTest>): void {
  describe(`MediaStorage contract: ${name}`, () => {
    let under: StorageUnderTest;
    beforeEach(async () => {
      under = await make();
    });
    const expiresAt = () => new Date(Date.now() + 600_000);

    it('when a form is signed, then it names the key and content type, and expires when asked', async () => {
      const key = aKey();
      const at = expiresAt();
      const form = await under.storage.presignUpload({ key, contentType: 'image/png', size: 68 }, at);
      expect(form.fields).toMatchObject({ key, 'Content-Type': 'image/png' });
      expect(form.expiresAt).toEqual(at);
    });

    it('when nothing was uploaded, then reading gives undefined', async () => {
      expect(await under.storage.read(aKey(), 1000)).toBeUndefined();
    });

    it('when a file is uploaded through the form, then reading gives its size and bytes; over the limit, the size alone', async () => {
      const key = aKey();
      const png = aPng(4, 5);
      await under.upload(await under.storage.presignUpload({ key, contentType: 'image/png', size: png.byteLength }, expiresAt()), png);
      expect(await under.storage.read(key, png.byteLength)).toEqual({ size: png.byteLength, bytes: Uint8Array.from(png) });
      expect(await under.storage.read(key, png.byteLength - 1)).toEqual({ size: png.byteLength, bytes: undefined });
    });

    it('when objects are deleted, then they read as never uploaded, and deleting a missing one is fine', async () => {
      const key = aKey();
      const png = aPng(1, 1);
      await under.upload(await under.storage.presignUpload({ key, contentType: 'image/png', size: png.byteLength }, expiresAt()), png);
      await under.storage.delete([key, aKey()]);
      expect(await under.storage.read(key, 1000)).toBeUndefined();
    });

    it('when a URL is asked for, then it ends with the key', () => {
      expect(under.storage.urlOf('media/42/7.png')).toMatch(/\/media\/42\/7\.png$/);
    });
  });
}
