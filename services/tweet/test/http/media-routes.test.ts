import type { MediaJson, TweetJson } from '@chirp/kernel/api-v1';
import { aPng } from '@chirp/testing/images';
import { describe, expect, it } from 'vitest';
import { aTweetApp } from '../fakes/fake-ports.ts';

type App = ReturnType<typeof aTweetApp>['app'];
interface UploadAnswer {
  media: MediaJson;
  upload: { url: string; fields: Record<string, string>; expiresAt: string };
}

const askUpload = (app: App, body: Record<string, unknown>, userId = '1001') => app.inject({ method: 'POST', url: `/v1/users/${userId}/media`, payload: body });
const getMedia = (app: App, mediaId: string, userId = '1001') => app.inject({ method: 'GET', url: `/v1/users/${userId}/media/${mediaId}` });

describe('media routes', () => {
  it('when an upload is asked for, then 201 with a pending Media and the form to post the file with', async () => {
    const { app } = aTweetApp();
    const answer = await askUpload(app, { contentType: 'image/png', size: 68 });
    expect(answer.statusCode).toBe(201);
    expect(answer.json<UploadAnswer>()).toEqual({
      media: { id: expect.stringMatching(/^\d+$/), type: 'image', contentType: 'image/png', size: 68, status: 'pending', url: null, width: null, height: null },
      upload: { url: expect.any(String), fields: expect.objectContaining({ 'Content-Type': 'image/png' }), expiresAt: expect.stringMatching(/Z$/) },
    });
  });

  it('when the type, the size or the body is wrong, then 400 with a stable code and nothing is stored', async () => {
    const { app, service } = aTweetApp();
    const cases = [
      [{ contentType: 'text/html', size: 10 }, 'MEDIA_TYPE_UNSUPPORTED'],
      [{ contentType: 'image/png', size: 6 * 1024 * 1024 }, 'MEDIA_TOO_LARGE'],
      [{ contentType: 'image/png', size: 0 }, 'INVALID_MEDIA_SIZE'],
      [{ contentType: 'image/png' }, 'VALIDATION_FAILED'],
      [{ contentType: 'image/png', size: 10, key: 'mine.png' }, 'VALIDATION_FAILED'],
    ] as const;
    for (const [body, code] of cases) {
      const answer = await askUpload(app, body);
      expect([answer.statusCode, answer.json<{ code: string }>().code]).toEqual([400, code]);
    }
    expect(await service.ports.media.claimPending({ since: new Date(0), claimedBefore: new Date(8.64e15), at: new Date() }, 10)).toEqual([]);
  });

  it('when the owner reads an uploaded media, then it is ready with its dimensions; anyone else gets 404 MEDIA_NOT_FOUND', async () => {
    const { app, service } = aTweetApp();
    const png = aPng(4, 5);
    const { media, upload } = (await askUpload(app, { contentType: 'image/png', size: png.byteLength })).json<UploadAnswer>();
    service.ports.storage.put(upload.fields.key!, png);
    const read = await getMedia(app, media.id);
    expect(read.statusCode).toBe(200);
    expect(read.json<MediaJson>()).toMatchObject({ id: media.id, status: 'ready', width: 4, height: 5, url: expect.stringContaining(upload.fields.key!) });
    const stranger = await getMedia(app, media.id, '1002');
    expect([stranger.statusCode, stranger.json<{ code: string }>().code]).toEqual([404, 'MEDIA_NOT_FOUND']);
  });

  it('when a tweet names media, then 201 with them in order and empty text allowed; a fifth is 400 TOO_MANY_MEDIA', async () => {
    const { app, service } = aTweetApp();
    const ids: string[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const png = aPng(2, seed);
      const { media, upload } = (await askUpload(app, { contentType: 'image/png', size: png.byteLength })).json<UploadAnswer>();
      service.ports.storage.put(upload.fields.key!, png);
      ids.push(media.id);
    }
    const post = (mediaIds: string[]) => app.inject({ method: 'POST', url: '/v1/users/1001/tweets', payload: { text: '', authorHandle: 'alice', mediaIds } });
    const five = await post(ids);
    expect([five.statusCode, five.json<{ code: string }>().code]).toEqual([400, 'TOO_MANY_MEDIA']);
    const created = await post([ids[1]!, ids[0]!]);
    expect(created.statusCode).toBe(201);
    expect(created.json<TweetJson>().media.map((media) => [media.id, media.status, media.height])).toEqual([
      [ids[1], 'ready', 2],
      [ids[0], 'ready', 1],
    ]);
  });
});
