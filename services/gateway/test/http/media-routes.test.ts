import { DomainError } from '@chirp/kernel/errors';
import { describe, expect, it } from 'vitest';
import { aGateway, bearer } from './gateway-harness.ts';

describe('media routes', () => {
  it('when a signed-in caller asks for an upload, then the tweet service is asked as the caller, and 201 with the media and form', async () => {
    const { app, calls } = await aGateway();
    const answer = await app.inject({ method: 'POST', url: '/v1/media', headers: bearer(), payload: { contentType: 'image/png', size: 68 } });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({ media: { id: '3001', status: 'pending', url: null }, upload: { url: 'https://bucket.test/', fields: { key: 'media/1001/3001.png' } } });
    expect(calls.map(({ port, method, args }) => [port, method, args])).toEqual([['media', 'requestUpload', ['1001', { contentType: 'image/png', size: 68 }]]]);
    await app.close();
  });

  it('when signed out, or the body is not the contract’s, then 401 or 400 and nothing is asked', async () => {
    const { app, calls } = await aGateway();
    const anonymous = await app.inject({ method: 'POST', url: '/v1/media', payload: { contentType: 'image/png', size: 68 } });
    expect(anonymous.statusCode).toBe(401);
    for (const payload of [{ contentType: 'image/png' }, { contentType: 'image/png', size: '68' }, { contentType: 'image/png', size: 68, key: 'x' }]) {
      const invalid = await app.inject({ method: 'POST', url: '/v1/media', headers: bearer(), payload });
      expect([invalid.statusCode, invalid.json<{ code: string }>().code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const badId = await app.inject({ method: 'GET', url: '/v1/media/abc', headers: bearer() });
    expect(badId.statusCode).toBe(400);
    expect(calls).toEqual([]);
    await app.close();
  });

  it('when the tweet service refuses (text/html) or does not know the media, then its code comes through', async () => {
    const { app } = await aGateway({
      answers: {
        'media.requestUpload': () => {
          throw new DomainError('invalid', 'MEDIA_TYPE_UNSUPPORTED', 'no');
        },
        'media.get': () => {
          throw new DomainError('not_found', 'MEDIA_NOT_FOUND', 'no');
        },
      },
    });
    const refused = await app.inject({ method: 'POST', url: '/v1/media', headers: bearer(), payload: { contentType: 'text/html', size: 10 } });
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([400, 'MEDIA_TYPE_UNSUPPORTED']);
    const unknown = await app.inject({ method: 'GET', url: '/v1/media/3001', headers: bearer() });
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([404, 'MEDIA_NOT_FOUND']);
    await app.close();
  });

  it('when a tweet names media, then the ids travel to the tweet service in order', async () => {
    const { app, calls } = await aGateway();
    const posted = await app.inject({ method: 'POST', url: '/v1/tweets', headers: bearer(), payload: { text: '', mediaIds: ['3002', '3001'] } });
    expect(posted.statusCode).toBe(201);
    expect(calls.find((call) => call.method === 'post')?.args[0]).toMatchObject({ authorId: '1001', text: '', mediaIds: ['3002', '3001'] });
    await app.close();
  });

  it('when a profile change names an avatar, then the tweet service keeps the media and the user service stores its URL; without one, only the user service is asked', async () => {
    const { app, calls } = await aGateway();
    const changed = await app.inject({ method: 'PATCH', url: '/v1/users/me', headers: bearer(), payload: { bio: 'hi', avatarMediaId: '3001' } });
    expect(changed.statusCode).toBe(200);
    expect(calls.map(({ port, method, args }) => [port, method, args])).toEqual([
      ['media', 'useAsAvatar', ['1001', '3001']],
      ['users', 'updateProfile', ['1001', { bio: 'hi', avatarUrl: 'https://media.test/media/1001/3001.png' }]],
    ]);
    calls.length = 0;
    await app.inject({ method: 'PATCH', url: '/v1/users/me', headers: bearer(), payload: { bio: 'no avatar' } });
    expect(calls.map(({ port, method, args }) => [port, method, args])).toEqual([['users', 'updateProfile', ['1001', { bio: 'no avatar' }]]]);
    await app.close();
  });

  it('when the avatar is not the caller’s ready media, then 400 INVALID_MEDIA and the profile is not changed', async () => {
    const { app, calls } = await aGateway({
      answers: {
        'media.useAsAvatar': () => {
          throw new DomainError('invalid', 'INVALID_MEDIA', 'no');
        },
      },
    });
    const refused = await app.inject({ method: 'PATCH', url: '/v1/users/me', headers: bearer(), payload: { avatarMediaId: '3001' } });
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([400, 'INVALID_MEDIA']);
    expect(calls.filter((call) => call.port === 'users')).toEqual([]);
    await app.close();
  });

  it('when the document is read, then it shows the upload flow, the Media schema and the media codes', async () => {
    const { app } = await aGateway();
    const document = (await app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { description?: string; responses: Record<string, { description: string }> }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    const upload = document.paths['/v1/media']!.post!;
    expect(upload.description).toContain('multipart/form-data');
    expect(upload.responses['400']!.description).toContain('MEDIA_TYPE_UNSUPPORTED');
    expect(document.paths['/v1/media/{id}']!.get!.responses['404']!.description).toContain('MEDIA_NOT_FOUND');
    expect(Object.keys(document.components.schemas.Media!.properties)).toEqual(['id', 'type', 'contentType', 'size', 'status', 'url', 'width', 'height']);
    expect(document.paths['/v1/tweets']!.post!.responses['400']!.description).toContain('TOO_MANY_MEDIA');
    await app.close();
  });
});
