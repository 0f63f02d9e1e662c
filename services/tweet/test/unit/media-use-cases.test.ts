import { aJpeg, aPng } from '@chirp/testing/images';
import { describe, expect, it } from 'vitest';
import { aTweetService } from '../fakes/fake-ports.ts';

const alice = { authorId: '1001', authorHandle: 'alice' };
const bob = { authorId: '1002', authorHandle: 'bob' };

/** Asks for an upload as `ownerId` and, unless `bytes` is undefined, uploads them to the key the form names. */
async function upload(service: ReturnType<typeof aTweetService>, ownerId: string, contentType: string, bytes: Uint8Array, declared = bytes.byteLength) {
  const { media, upload: form } = await service.requestMediaUpload({ ownerId, contentType, size: declared });
  service.ports.storage.put(form.fields.key!, bytes);
  return media;
}

describe('uploading media', () => {
  it('when an upload is asked for, then a pending media is stored and the form names its key and type, valid until the expiry', async () => {
    const service = aTweetService();
    const { media, upload: form } = await service.requestMediaUpload({ ownerId: '1001', contentType: 'image/png', size: 68 });
    expect(media).toMatchObject({ ownerId: '1001', contentType: 'image/png', size: 68, status: 'pending', url: null, width: null, height: null });
    expect(form.fields).toMatchObject({ key: media.key, 'Content-Type': 'image/png' });
    expect(form.expiresAt.getTime() - service.ports.clock.now().getTime()).toBe(900_000);
    expect(await service.ports.media.findMedia([media.id])).toEqual([media]);
  });

  it('when text/html or 6 MiB is asked for, then it is refused and nothing is stored', async () => {
    const service = aTweetService();
    await expect(service.requestMediaUpload({ ownerId: '1001', contentType: 'text/html', size: 10 })).rejects.toMatchObject({ code: 'MEDIA_TYPE_UNSUPPORTED' });
    await expect(service.requestMediaUpload({ ownerId: '1001', contentType: 'image/png', size: 6 * 1024 * 1024 })).rejects.toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(await service.ports.media.claimPending({ since: new Date(0), claimedBefore: new Date(8.64e15), at: new Date() }, 10)).toEqual([]);
  });

  it('when a real PNG and JPEG arrive, then the poller makes them ready with the dimensions read from the files', async () => {
    const service = aTweetService();
    const png = await upload(service, '1001', 'image/png', aPng(4, 5));
    const jpeg = await upload(service, '1001', 'image/jpeg', aJpeg(30, 20));
    const settled = await service.verifyPendingMedia();
    expect(settled.map(({ media }) => [media.id, media.status, media.width, media.height])).toEqual([
      [png.id, 'ready', 4, 5],
      [jpeg.id, 'ready', 30, 20],
    ]);
    expect(settled[0]!.media.url).toBe(`https://media.test/${png.key}`);
  });

  it('when nothing was uploaded yet, then the media stays pending; reading it later verifies it on the spot', async () => {
    const service = aTweetService();
    const { media, upload: form } = await service.requestMediaUpload({ ownerId: '1001', contentType: 'image/png', size: aPng(2, 2).byteLength });
    expect(await service.verifyPendingMedia()).toEqual([]);
    expect((await service.getMedia({ mediaId: media.id, callerId: '1001' })).status).toBe('pending');
    service.ports.storage.put(form.fields.key!, aPng(2, 2));
    expect(await service.getMedia({ mediaId: media.id, callerId: '1001' })).toMatchObject({ status: 'ready', width: 2, height: 2 });
  });

  it('when the file is larger than declared, a PNG declared as JPEG, or random bytes declared as PNG, then it fails, with the reason', async () => {
    const service = aTweetService();
    const png = aPng(4, 5);
    const larger = await upload(service, '1001', 'image/png', png, png.byteLength - 1);
    const pngAsJpeg = await upload(service, '1001', 'image/jpeg', png);
    const random = await upload(service, '1001', 'image/png', Uint8Array.from({ length: 200 }, (_, i) => (i * 7919) % 256));
    const settled = await service.verifyPendingMedia();
    expect(settled.map(({ media }) => [media.id, media.status, media.url])).toEqual([
      [larger.id, 'failed', null],
      [pngAsJpeg.id, 'failed', null],
      [random.id, 'failed', null],
    ]);
    expect(settled.every(({ failedBecause }) => typeof failedBecause === 'string')).toBe(true);
  });

  it('when someone else asks for a media, then MEDIA_NOT_FOUND, as for an unknown one', async () => {
    const service = aTweetService();
    const media = await upload(service, '1001', 'image/png', aPng(1, 1));
    await expect(service.getMedia({ mediaId: media.id, callerId: '1002' })).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
    await expect(service.getMedia({ mediaId: '5', callerId: '1001' })).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
  });

  it('when an upload form has expired, then the poller stops looking for its upload', async () => {
    const service = aTweetService();
    const media = await upload(service, '1001', 'image/png', aPng(1, 1));
    service.ports.clock.advance(901);
    expect(await service.verifyPendingMedia()).toEqual([]);
    expect((await service.ports.media.findMedia([media.id]))[0]?.status).toBe('pending');
  });

  it('when two replicas poll at once, then each pending upload is read from the bucket by one of them, and again only an interval later', async () => {
    const service = aTweetService();
    const reads: string[] = [];
    const storage = { ...service.ports.storage, read: (key: string, maxBytes: number) => (reads.push(key), service.ports.storage.read(key, maxBytes)) };
    const replicas = [aTweetService({ ...service.ports, storage }), aTweetService({ ...service.ports, storage })];
    const waiting = [];
    for (let i = 0; i < 3; i += 1) waiting.push((await service.requestMediaUpload({ ownerId: '1001', contentType: 'image/png', size: 68 })).media);
    await Promise.all(replicas.map((replica) => replica.verifyPendingMedia()));
    expect(reads.sort()).toEqual(waiting.map((media) => media.key).sort());
    await Promise.all(replicas.map((replica) => replica.verifyPendingMedia()));
    expect(reads).toHaveLength(3);
    service.ports.clock.advance(1);
    await Promise.all(replicas.map((replica) => replica.verifyPendingMedia()));
    expect(reads).toHaveLength(6);
  });

  it('when more uploads wait than one pass takes, then the next pass takes the ones not looked at yet', async () => {
    const service = aTweetService();
    const waiting = [];
    for (let i = 0; i < 101; i += 1) waiting.push((await service.requestMediaUpload({ ownerId: '1001', contentType: 'image/png', size: aPng(1, 1).byteLength })).media);
    const newest = waiting.at(-1)!;
    service.ports.storage.put(newest.key, aPng(1, 1));
    expect(await service.verifyPendingMedia()).toEqual([]);
    expect((await service.verifyPendingMedia()).map(({ media }) => [media.id, media.status])).toEqual([[newest.id, 'ready']]);
  });
});

describe('media on tweets', () => {
  it('when two ready media are attached, then the tweet carries them in order, also when read again, and may have no text', async () => {
    const service = aTweetService();
    const first = await upload(service, alice.authorId, 'image/jpeg', aJpeg(30, 20));
    const second = await upload(service, alice.authorId, 'image/png', aPng(4, 5));
    // Not yet seen by the poller: attaching verifies them.
    const { tweet } = await service.createTweet({ ...alice, text: ' ', mediaIds: [second.id, first.id] });
    expect(tweet.text).toBe('');
    expect(tweet.media.map((media) => [media.id, media.width, media.height, media.url])).toEqual([
      [second.id, 4, 5, `https://media.test/${second.key}`],
      [first.id, 30, 20, `https://media.test/${first.key}`],
    ]);
    expect((await service.getTweets({ ids: [tweet.id] }))[0]?.media).toEqual(tweet.media);
    expect((await service.ports.media.findMedia([first.id]))[0]?.tweetId).toBe(tweet.id);
  });

  it('when a media is someone else’s, already used, failed, a fifth or named twice, then the tweet is refused and nothing changes', async () => {
    const service = aTweetService();
    const mine = await Promise.all([1, 2, 3, 4, 5].map((seed) => upload(service, alice.authorId, 'image/png', aPng(2, 2, seed))));
    const bobs = await upload(service, bob.authorId, 'image/png', aPng(2, 2));
    const broken = await upload(service, alice.authorId, 'image/jpeg', aPng(2, 2));
    await service.createTweet({ ...alice, text: 'first', mediaIds: [mine[0]!.id] });
    const refusals = [
      [[bobs.id], 'INVALID_MEDIA'],
      [[mine[0]!.id], 'INVALID_MEDIA'],
      [[broken.id], 'INVALID_MEDIA'],
      [[mine[1]!.id, mine[1]!.id], 'INVALID_MEDIA'],
      [[mine[1]!.id, mine[2]!.id, mine[3]!.id, mine[4]!.id, bobs.id], 'TOO_MANY_MEDIA'],
    ] as const;
    for (const [mediaIds, code] of refusals) {
      await expect(service.createTweet({ ...alice, text: 'again', mediaIds })).rejects.toMatchObject({ code });
    }
    expect(service.ports.tweets.events.filter((event) => event.type === 'tweet.created')).toHaveLength(1);
    expect((await service.ports.media.findMedia([mine[1]!.id]))[0]?.tweetId).toBeNull();
  });

  it('when a tweet with media is deleted, then its objects are gone and its media rows with them', async () => {
    const service = aTweetService();
    const media = await upload(service, alice.authorId, 'image/png', aPng(3, 3));
    const { tweet } = await service.createTweet({ ...alice, text: 'soon gone', mediaIds: [media.id] });
    expect(service.ports.storage.objects.has(media.key)).toBe(true);
    expect(await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId })).toEqual({});
    expect(service.ports.storage.objects.has(media.key)).toBe(false);
    expect(await service.ports.media.findMedia([media.id])).toEqual([]);
  });
});

describe('avatars', () => {
  it('when a ready media of the caller is made an avatar, then it answers with its URL and the sweep and its tweet’s deletion keep it', async () => {
    const service = aTweetService();
    const media = await upload(service, alice.authorId, 'image/png', aPng(9, 9));
    const avatar = await service.useMediaAsAvatar({ mediaId: media.id, callerId: alice.authorId });
    expect(avatar).toMatchObject({ id: media.id, status: 'ready', url: `https://media.test/${media.key}`, avatar: true });
    const { tweet } = await service.createTweet({ ...alice, text: 'also my avatar', mediaIds: [media.id] });
    await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId });
    service.ports.clock.advance(25 * 3600);
    expect(await service.sweepMedia()).toBe(0);
    expect(service.ports.storage.objects.has(media.key)).toBe(true);
  });

  it('when the media is someone else’s, unknown or failed, then INVALID_MEDIA and nothing is marked', async () => {
    const service = aTweetService();
    const bobs = await upload(service, bob.authorId, 'image/png', aPng(2, 2));
    const broken = await upload(service, alice.authorId, 'image/jpeg', aPng(2, 2));
    for (const mediaId of [bobs.id, broken.id, '77']) {
      await expect(service.useMediaAsAvatar({ mediaId, callerId: alice.authorId })).rejects.toMatchObject({ code: 'INVALID_MEDIA' });
    }
    expect((await service.ports.media.findMedia([bobs.id, broken.id])).map((media) => media.avatar)).toEqual([false, false]);
    // Only the caller's own pending uploads are verified on the spot: Bob's waits for the poller.
    expect((await service.ports.media.findMedia([bobs.id]))[0]?.status).toBe('pending');
  });
});

describe('the media sweep', () => {
  it('when media has been unattached for 24 hours, then it goes; attached media and younger uploads stay', async () => {
    const service = aTweetService();
    const old = await upload(service, alice.authorId, 'image/png', aPng(2, 2, 1));
    const attached = await upload(service, alice.authorId, 'image/png', aPng(2, 2, 2));
    await service.createTweet({ ...alice, text: 'kept', mediaIds: [attached.id] });
    service.ports.clock.advance(23 * 3600);
    const young = await upload(service, alice.authorId, 'image/png', aPng(2, 2, 3));
    expect(await service.sweepMedia()).toBe(0);
    service.ports.clock.advance(3600 + 1);
    expect(await service.sweepMedia()).toBe(1);
    expect([...service.ports.storage.objects.keys()].sort()).toEqual([attached.key, young.key].sort());
    expect((await service.ports.media.findMedia([old.id, attached.id, young.id])).map((media) => media.id).sort()).toEqual([attached.id, young.id].sort());
  });
});
