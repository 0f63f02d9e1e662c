// Pictures end to end (../shared/api/v1.md, "Additions", Media): the services as processes on the
// real stack, uploads sent as a browser sends them (multipart/form-data to the presigned form,
// straight to S3 on the emulator), every API answer held to the OpenAPI document.
import type { MediaJson, TweetJson } from '@chirp/kernel/api-v1';
import { aJpeg, aPng, postUploadForm } from '@chirp/testing/images';
import { type Platform, RATE_LIMITS_RAISED, startPlatform } from '@chirp/testing/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractClient } from './contract-client.ts';

let platform: Platform;
let api: Awaited<ReturnType<typeof contractClient>>;

beforeAll(async () => {
  platform = await startPlatform({ serviceEnv: { gateway: RATE_LIMITS_RAISED } });
  api = await contractClient(platform.gatewayUrl);
});
afterAll(async () => {
  await platform?.stop();
});

interface Session {
  accessToken: string;
  user: { id: string; handle: string };
}
interface Upload {
  media: MediaJson;
  upload: { url: string; fields: Record<string, string>; expiresAt: string };
}

async function signUp(handle: string): Promise<Session> {
  expect((await api.call('POST', '/v1/auth/register', { body: { handle, password: `${handle}-password` } })).status).toBe(201);
  return (await api.call<Session>('POST', '/v1/auth/login', { body: { handle, password: `${handle}-password` } })).body;
}

/** Asks for an upload of `declared` (type and size, the file's own unless given) and posts `bytes` to its form; the storage's status. */
async function upload(session: Session, contentType: string, bytes: Uint8Array, declared = bytes.byteLength): Promise<{ media: MediaJson; status: number }> {
  const asked = await api.call<Upload>('POST', '/v1/media', { token: session.accessToken, body: { contentType, size: declared } });
  expect(asked.status).toBe(201);
  expect(asked.body.media).toMatchObject({ status: 'pending', url: null, width: null, height: null, contentType, size: declared });
  return { media: asked.body.media, status: await postUploadForm(asked.body.upload, bytes) };
}

/** The first answer of `read` that `done` accepts, asking every 100 ms; fails after `timeoutMs`. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last seen ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The media once it is no longer pending, polled as a client would: the contract says within 5 seconds of the upload. */
const settled = (session: Session, id: string) =>
  pollUntil(
    async () => (await api.call<MediaJson>('GET', `/v1/media/${id}`, { token: session.accessToken })).body,
    (media) => media.status !== 'pending',
    `media ${id} settled`,
    5000,
  );

const bytesAt = async (url: string) => {
  const answer = await fetch(url);
  return { status: answer.status, bytes: Buffer.from(await answer.arrayBuffer()) };
};

describe('media, end to end through the gateway', () => {
  it('when a PNG and a JPEG are uploaded and attached, then they are ready with their sizes, and every read of the tweet shows them in order, each URL serving the same bytes', async () => {
    const ada = await signUp('media_ada');
    const bob = await signUp('media_bob');
    expect((await api.call('PUT', `/v1/users/me/following/${ada.user.handle}`, { token: bob.accessToken })).status).toBe(204);
    const png = aPng(40, 30);
    const jpeg = aJpeg(64, 48);
    const pngUpload = await upload(ada, 'image/png', png);
    const jpegUpload = await upload(ada, 'image/jpeg', jpeg);
    expect([pngUpload.status, jpegUpload.status]).toEqual([204, 204]);
    expect(await settled(ada, pngUpload.media.id)).toMatchObject({ status: 'ready', width: 40, height: 30, url: expect.stringMatching(/^http/) });
    expect(await settled(ada, jpegUpload.media.id)).toMatchObject({ status: 'ready', width: 64, height: 48 });

    const posted = await api.call<TweetJson>('POST', '/v1/tweets', { token: ada.accessToken, body: { text: 'two pictures #mediawalk', mediaIds: [jpegUpload.media.id, pngUpload.media.id] } });
    expect(posted.status).toBe(201);
    const order = [jpegUpload.media.id, pngUpload.media.id];
    expect(posted.body.media.map((media) => media.id)).toEqual(order);

    const home = (await pollUntil(
      async () => (await api.call<{ data: TweetJson[] }>('GET', '/v1/timelines/home', { token: bob.accessToken })).body.data.find((tweet) => tweet.id === posted.body.id),
      (found) => found !== undefined,
      "the tweet in the follower's home timeline",
      10_000,
    ))!;
    const userTimeline = (await api.call<{ data: TweetJson[] }>('GET', `/v1/users/${ada.user.handle}/tweets`)).body.data.find((tweet) => tweet.id === posted.body.id);
    const search = (await api.call<{ data: TweetJson[] }>('GET', '/v1/search/tweets?q=%23mediawalk')).body.data.find((tweet) => tweet.id === posted.body.id);
    for (const read of [home, userTimeline, search]) {
      expect(read?.media.map((media) => [media.id, media.status, media.width, media.height])).toEqual([
        [order[0], 'ready', 64, 48],
        [order[1], 'ready', 40, 30],
      ]);
    }
    const served = await Promise.all(home.media.map((media) => bytesAt(media.url!)));
    expect(served).toEqual([
      { status: 200, bytes: jpeg },
      { status: 200, bytes: png },
    ]);

    // Each media goes on one tweet only, and only its owner's.
    const again = await api.call('POST', '/v1/tweets', { token: ada.accessToken, body: { text: 'again', mediaIds: [pngUpload.media.id] } });
    expect([again.status, again.body.code]).toEqual([400, 'INVALID_MEDIA']);
    const bobs = await upload(bob, 'image/png', aPng(2, 2));
    await settled(bob, bobs.media.id);
    const stolen = await api.call('POST', '/v1/tweets', { token: ada.accessToken, body: { text: 'not mine', mediaIds: [bobs.media.id] } });
    expect([stolen.status, stolen.body.code]).toEqual([400, 'INVALID_MEDIA']);
    expect((await api.call('GET', `/v1/media/${bobs.media.id}`, { token: ada.accessToken })).status).toBe(404);
    const fifth = await api.call('POST', '/v1/tweets', { token: bob.accessToken, body: { text: 'five', mediaIds: [bobs.media.id, '11', '12', '13', '14'] } });
    expect([fifth.status, fifth.body.code]).toEqual([400, 'TOO_MANY_MEDIA']);

    // An avatar: one of the caller's ready media, its URL on every read of the profile.
    const portrait = aPng(16, 16, 7);
    const avatarUpload = await upload(ada, 'image/png', portrait);
    await settled(ada, avatarUpload.media.id);
    const withAvatar = await api.call<{ avatarUrl: string | null }>('PATCH', '/v1/users/me', { token: ada.accessToken, body: { avatarMediaId: avatarUpload.media.id } });
    expect(withAvatar.status).toBe(200);
    expect(withAvatar.body.avatarUrl).toMatch(/^http/);
    const profile = await api.call<{ avatarUrl: string | null }>('GET', `/v1/users/${ada.user.handle}`);
    expect(profile.body.avatarUrl).toBe(withAvatar.body.avatarUrl);
    expect(await bytesAt(profile.body.avatarUrl!)).toEqual({ status: 200, bytes: portrait });
    const othersAvatar = await api.call('PATCH', '/v1/users/me', { token: ada.accessToken, body: { avatarMediaId: bobs.media.id } });
    expect([othersAvatar.status, othersAvatar.body.code]).toEqual([400, 'INVALID_MEDIA']);
    // The avatar follows Ada into notifications: the one her follow gives Bob shows it, once her user.updated reached the notification service.
    expect((await api.call('PUT', `/v1/users/me/following/${bob.user.handle}`, { token: ada.accessToken })).status).toBeLessThan(300);
    const followedBy = await pollUntil(
      async () => (await api.call<{ data: Array<{ type: string; actor: { id: string; avatarUrl: string | null } }> }>('GET', '/v1/notifications', { token: bob.accessToken })).body.data,
      (notifications) => notifications.some((n) => n.type === 'follow' && n.actor.id === ada.user.id && n.actor.avatarUrl !== null),
      "Bob's follow notification from Ada with her avatar",
      10_000,
    );
    expect(followedBy.find((n) => n.type === 'follow')?.actor.avatarUrl).toBe(profile.body.avatarUrl);

    // Deleting the tweet stops its pictures being served.
    expect((await api.call('DELETE', `/v1/tweets/${posted.body.id}`, { token: ada.accessToken })).status).toBe(204);
    expect((await Promise.all(home.media.map((media) => bytesAt(media.url!)))).map(({ status }) => status)).toEqual([404, 404]);
  });

  it('when a type or size is refused at the request, then 400 with its code; when the file is not what was declared, then the media fails and cannot be attached', async () => {
    const cy = await signUp('media_cy');
    const html = await api.call('POST', '/v1/media', { token: cy.accessToken, body: { contentType: 'text/html', size: 100 } });
    expect([html.status, html.body.code]).toEqual([400, 'MEDIA_TYPE_UNSUPPORTED']);
    const huge = await api.call('POST', '/v1/media', { token: cy.accessToken, body: { contentType: 'image/png', size: 6 * 1024 * 1024 } });
    expect([huge.status, huge.body.code]).toEqual([400, 'MEDIA_TOO_LARGE']);

    const png = aPng(8, 8);
    const larger = await upload(cy, 'image/png', png, png.byteLength - 10);
    const pngAsJpeg = await upload(cy, 'image/jpeg', png);
    const random = await upload(cy, 'image/png', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256));
    for (const { media, status } of [larger, pngAsJpeg, random]) {
      // The emulator takes any file (real S3 refuses the first two by the form's policy); the bytes decide.
      expect(status).toBe(204);
      expect(await settled(cy, media.id)).toMatchObject({ status: 'failed', url: null, width: null, height: null });
      const attached = await api.call('POST', '/v1/tweets', { token: cy.accessToken, body: { text: 'broken', mediaIds: [media.id] } });
      expect([attached.status, attached.body.code]).toEqual([400, 'INVALID_MEDIA']);
    }
  });
});
