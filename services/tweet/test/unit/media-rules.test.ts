import { describe, expect, it } from 'vitest';
import { checkAttachable, judgeUpload, MAX_MEDIA_BYTES, type Media, parseMediaIds, parseUploadRequest } from '../../src/domain/media.ts';
import { parseTweetText } from '../../src/domain/tweet-text.ts';

const aMedia = (overrides: Partial<Media> = {}): Media => ({
  id: '1',
  ownerId: '42',
  contentType: 'image/png',
  size: 100,
  status: 'ready',
  key: 'media/42/1.png',
  url: 'https://media.test/media/42/1.png',
  width: 4,
  height: 5,
  createdAt: new Date('2026-03-01T12:00:00Z'),
  tweetId: null,
  avatar: false,
  ...overrides,
});

describe('asking for an upload', () => {
  it('when the type is an allowed image and the size 1 byte to 5 MiB, then it is accepted (type case and spaces ignored)', () => {
    expect(parseUploadRequest({ contentType: ' Image/PNG', size: 1 })).toEqual({ contentType: 'image/png', size: 1 });
    expect(parseUploadRequest({ contentType: 'image/webp', size: MAX_MEDIA_BYTES })).toEqual({ contentType: 'image/webp', size: MAX_MEDIA_BYTES });
  });
  it('when the type is not an allowed image, then MEDIA_TYPE_UNSUPPORTED', () => {
    for (const contentType of ['text/html', 'image/svg+xml', 'application/octet-stream', '']) {
      expect(() => parseUploadRequest({ contentType, size: 10 })).toThrow(expect.objectContaining({ code: 'MEDIA_TYPE_UNSUPPORTED' }));
    }
  });
  it('when more than 5 MiB is declared, then MEDIA_TOO_LARGE; under 1 byte or a fraction, INVALID_MEDIA_SIZE', () => {
    expect(() => parseUploadRequest({ contentType: 'image/png', size: 6 * 1024 * 1024 })).toThrow(expect.objectContaining({ code: 'MEDIA_TOO_LARGE' }));
    expect(() => parseUploadRequest({ contentType: 'image/png', size: MAX_MEDIA_BYTES + 1 })).toThrow(expect.objectContaining({ code: 'MEDIA_TOO_LARGE' }));
    expect(() => parseUploadRequest({ contentType: 'image/png', size: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_MEDIA_SIZE' }));
    expect(() => parseUploadRequest({ contentType: 'image/png', size: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_MEDIA_SIZE' }));
  });
});

describe('judging an upload from its bytes', () => {
  const declared = { contentType: 'image/png' as const, size: 100 };
  it('when the size is the one declared and the bytes the declared type, then ready with the dimensions from the file', () => {
    expect(judgeUpload(declared, { size: 100, image: { contentType: 'image/png', width: 4, height: 5 } })).toEqual({ status: 'ready', width: 4, height: 5 });
  });
  it('when the file is larger or smaller than declared, then failed', () => {
    expect(judgeUpload(declared, { size: 101, image: { contentType: 'image/png', width: 4, height: 5 } })).toMatchObject({ status: 'failed' });
    expect(judgeUpload(declared, { size: 99, image: { contentType: 'image/png', width: 4, height: 5 } })).toMatchObject({ status: 'failed' });
  });
  it('when the bytes are another image type, or no image at all, then failed', () => {
    expect(judgeUpload({ ...declared, contentType: 'image/jpeg' }, { size: 100, image: { contentType: 'image/png', width: 4, height: 5 } })).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('image/png'),
    });
    expect(judgeUpload(declared, { size: 100, image: undefined })).toMatchObject({ status: 'failed' });
  });
});

describe('attaching media to a tweet', () => {
  it('when the media are the caller’s own, ready and unattached, then they come back in the order asked', () => {
    const found = [aMedia({ id: '2' }), aMedia({ id: '1' })];
    expect(checkAttachable(['1', '2'], found, '42').map((media) => media.id)).toEqual(['1', '2']);
  });
  it('when a media is unknown, someone else’s, not ready or already attached, then INVALID_MEDIA', () => {
    const invalid = expect.objectContaining({ code: 'INVALID_MEDIA' });
    expect(() => checkAttachable(['1'], [], '42')).toThrow(invalid);
    expect(() => checkAttachable(['1'], [aMedia({ ownerId: '43' })], '42')).toThrow(invalid);
    expect(() => checkAttachable(['1'], [aMedia({ status: 'pending' })], '42')).toThrow(invalid);
    expect(() => checkAttachable(['1'], [aMedia({ status: 'failed' })], '42')).toThrow(invalid);
    expect(() => checkAttachable(['1'], [aMedia({ tweetId: '900' })], '42')).toThrow(invalid);
  });
  it('when five media or the same one twice are named, then TOO_MANY_MEDIA or INVALID_MEDIA', () => {
    expect(parseMediaIds(['1', '2', '3', '4'])).toEqual(['1', '2', '3', '4']);
    expect(() => parseMediaIds(['1', '2', '3', '4', '5'])).toThrow(expect.objectContaining({ code: 'TOO_MANY_MEDIA' }));
    expect(() => parseMediaIds(['1', '1'])).toThrow(expect.objectContaining({ code: 'INVALID_MEDIA' }));
  });
  it('when a tweet has media, then its text may be empty; without media it may not', () => {
    expect(parseTweetText('  ', { withMedia: true }).text).toBe('');
    expect(() => parseTweetText('  ')).toThrow(expect.objectContaining({ code: 'TWEET_EMPTY' }));
  });
});
