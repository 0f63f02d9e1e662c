// GET /v1/streaming on a listening gateway (SSE needs a real socket), with the notification and
// timeline services as stand-ins and pub/sub in memory (the Redis broker has its own test).
import { connect } from 'node:net';
import type { NotificationJson } from '@chirp/kernel/api-v1';
import { streamChannels, type StreamControl, type StreamMessage } from '@chirp/common/stream-channels';
import { createLogger } from '@chirp/common/logging';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openEventStream } from '@chirp/testing/sse-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventStreams, type StreamSettings } from '../../src/adapters/http/event-streams.ts';
import type { NotificationService } from '../../src/use-cases/streaming-ports.ts';
import { aTweet } from '../fakes/builders.ts';
import { createInMemoryStreamBroker } from '../fakes/in-memory-stream-broker.ts';
import { aGateway, aToken, bearer } from './gateway-harness.ts';

// Real sockets, RSA tokens and one-second sweeps: slower than inject on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

const channels = streamChannels('test:');
const aNotification = (id: string): NotificationJson => ({
  id,
  type: 'follow',
  createdAt: new Date().toISOString(),
  read: false,
  actor: { id: '1002', handle: 'bob', displayName: 'Bob', avatarUrl: null },
  tweet: null,
});

/** The notification service as a list of stored notifications (ids ascending). */
function storedNotifications(stored: NotificationJson[]): NotificationService {
  return {
    list: async () => ({ data: [...stored].reverse(), nextCursor: null }),
    unreadCount: async () => ({ count: stored.length }),
    markRead: async () => undefined,
    missed: async (_userId, afterId, limit) => {
      const after = stored.filter((n) => BigInt(n.id) > BigInt(afterId));
      return { data: after.slice(0, limit), nextAfter: after.length > limit ? after[limit - 1]!.id : null };
    },
  };
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function aStreamingGateway(options: { stored?: NotificationJson[]; mergedAuthors?: string[]; revoked?: Set<string>; settings?: Partial<StreamSettings> } = {}) {
  const broker = createInMemoryStreamBroker();
  const closed: string[] = [];
  const streams = createEventStreams({
    broker,
    channels,
    notifications: storedNotifications(options.stored ?? []),
    mergedAuthors: { followedBy: async () => options.mergedAuthors ?? [] },
    isRevoked: (sessionId) => options.revoked?.has(sessionId) ?? false,
    settings: { heartbeatMs: 30_000, maxBufferedBytes: 64 * 1024, replayLimit: 1000, ...options.settings },
    metrics: { opened: () => undefined, closed: (reason) => void closed.push(reason), delivered: () => undefined },
    log: createLogger('test', 'silent'),
  });
  const { app } = await aGateway({ streams, notifications: storedNotifications(options.stored ?? []) });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  const publish = (userId: string, message: StreamMessage | StreamControl) => broker.publish(channels.user(userId), JSON.stringify(message));
  return { app, address, broker, streams, closed, publish };
}

/** An SSE client, closed after the test. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const stream = await openEventStream(url, headers);
  closers.push(async () => stream.close());
  return { response: stream.response, events: stream.blocks, ended: stream.ended, close: stream.close };
}

const until = async (condition: () => boolean, what: string, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('opening a stream', () => {
  it('when the token is missing, malformed, forged or expired, or Last-Event-ID is not an id, then a 4xx problem before any stream', async () => {
    const { address } = await aStreamingGateway();
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['', {}, 401, 'UNAUTHENTICATED'],
      ['', { authorization: 'Basic abc' }, 401, 'INVALID_TOKEN'],
      ['?access_token=not.a.token', {}, 401, 'INVALID_TOKEN'],
      ['', bearer(aToken({ exp: Math.floor(Date.now() / 1000) - 10 })), 401, 'INVALID_TOKEN'],
      ['', { ...bearer(), 'last-event-id': 'abc' }, 400, 'INVALID_LAST_EVENT_ID'],
      ['?other=1', bearer(), 400, 'VALIDATION_FAILED'],
    ];
    for (const [query, headers, status, code] of cases) {
      const answer = await fetch(`${address}/v1/streaming${query}`, { headers });
      expect({ query, headers, status: answer.status, type: answer.headers.get('content-type'), code: ((await answer.json()) as { code: string }).code }).toEqual({
        query,
        headers,
        status,
        type: 'application/problem+json; charset=utf-8',
        code,
      });
    }
  });

  it('when the token comes as access_token, then the stream opens as text/event-stream and carries the caller\'s events only', async () => {
    const { address, publish } = await aStreamingGateway();
    const stream = await openStream(`${address}/v1/streaming?access_token=${aToken({ sub: '1001' })}`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('x-request-id')).toBeTruthy();
    await until(() => stream.events.length > 0, 'the opening comment');
    const tweet = aTweet({ id: '77' });
    publish('1001', { event: 'notification', id: '500', data: aNotification('500'), at: Date.now() });
    publish('1002', { event: 'notification', id: '501', data: aNotification('501'), at: Date.now() });
    publish('1001', { event: 'update', data: tweet, at: Date.now() });
    publish('1001', { event: 'delete', data: { id: '77' }, at: Date.now() });
    await until(() => stream.events.filter((e) => e.event).length === 3, 'three events');
    const [notification, update, removal] = stream.events.filter((e) => e.event);
    expect(notification).toMatchObject({ event: 'notification', id: '500' });
    expect(JSON.parse(notification!.data!)).toMatchObject({ id: '500', type: 'follow', actor: { handle: 'bob' } });
    expect(update).toEqual({ event: 'update', data: JSON.stringify(tweet) });
    expect(removal).toEqual({ event: 'delete', data: '{"id":"77"}' });
  });
});

describe('replay and order', () => {
  it('when a client reconnects with Last-Event-ID, then it first gets every notification after it, in order, and none twice when a live one repeats it', async () => {
    const stored = ['100', '200', '300', '400'].map(aNotification);
    const { address, publish } = await aStreamingGateway({ stored, settings: { replayLimit: 1000 } });
    const stream = await openStream(`${address}/v1/streaming`, { ...bearer(), 'last-event-id': '100' });
    await until(() => stream.events.filter((e) => e.event).length >= 3, 'the replay');
    publish('1001', { event: 'notification', id: '400', data: stored[3], at: Date.now() });
    publish('1001', { event: 'notification', id: '500', data: aNotification('500'), at: Date.now() });
    await until(() => stream.events.filter((e) => e.event).length >= 4, 'the live one');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.events.filter((e) => e.event).map((e) => e.id)).toEqual(['200', '300', '400', '500']);
  });
});

describe('keeping streams bounded', () => {
  it('when nothing happens, then comments go out as heartbeats; when the token expires, then the stream ends', async () => {
    const { address, closed } = await aStreamingGateway({ settings: { heartbeatMs: 1000 } });
    // Seconds of life (exp is rounded down to one) leave room for a heartbeat on a loaded machine.
    const stream = await openStream(`${address}/v1/streaming`, bearer(aToken({ exp: Math.floor(Date.now() / 1000) + 6 })));
    await until(() => stream.events.some((e) => e.comment === 'heartbeat'), 'a heartbeat', 5000);
    await until(() => stream.ended(), 'the end of the stream', 8000);
    expect(stream.events.at(-1)?.comment).toContain('expired');
    expect(closed).toEqual(['expired']);
  });

  it('when a client stops reading, then past the buffer limit it is dropped, not held in memory', async () => {
    const { address, streams, closed, publish } = await aStreamingGateway({ settings: { maxBufferedBytes: 16 * 1024 } });
    const url = new URL(address);
    const socket = connect(Number(url.port), url.hostname);
    closers.push(async () => socket.destroy());
    socket.write(`GET /v1/streaming HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${aToken()}\r\n\r\n`);
    socket.pause();
    await until(() => streams.open === 1, 'the stream open');
    const big = aTweet({ text: 'x'.repeat(60_000) });
    for (let i = 0; i < 400 && streams.open === 1; i += 1) {
      publish('1001', { event: 'update', data: big, at: Date.now() });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(streams.open).toBe(0);
    expect(closed).toEqual(['slow']);
  });

  it('when the gateway closes (SIGTERM drain), then open streams end and the close does not wait for them', async () => {
    const { app, address, closed } = await aStreamingGateway();
    const stream = await openStream(`${address}/v1/streaming`, bearer());
    await until(() => stream.events.length > 0, 'the stream open');
    await app.close();
    await until(() => stream.ended(), 'the end of the stream');
    expect(closed).toEqual(['shutdown']);
  });

  it('when the caller follows merged-on-read authors, then their channels are heard while the stream is open, and released after', async () => {
    const { address, broker } = await aStreamingGateway({ mergedAuthors: ['9001'] });
    const stream = await openStream(`${address}/v1/streaming`, bearer());
    await until(() => stream.events.length > 0, 'the stream open');
    broker.publish(channels.author('9001'), JSON.stringify({ event: 'update', data: aTweet({ id: '88' }), at: Date.now() }));
    await until(() => stream.events.some((e) => e.event === 'update'), 'the merged author\'s tweet');
    stream.close();
    await until(() => broker.listened(channels.author('9001')) === 0 && broker.listened(channels.user('1001')) === 0, 'channels released');
  });
});

describe('following and signing out while connected', () => {
  it('when the caller follows a merged-on-read author while connected, then that author\'s tweets arrive; after the unfollow they stop and the channel is released', async () => {
    const { address, broker, publish } = await aStreamingGateway();
    const stream = await openStream(`${address}/v1/streaming`, bearer());
    await until(() => stream.events.length > 0, 'the stream open');
    const fromFamous = (id: string) => broker.publish(channels.author('9002'), JSON.stringify({ event: 'update', data: aTweet({ id }), at: Date.now() }));
    expect(fromFamous('70')).toBe(0);
    publish('1001', { control: 'merged-author', authorId: '9002', following: true });
    // A repeated follow (a redelivered event) listens once.
    publish('1001', { control: 'merged-author', authorId: '9002', following: true });
    await until(() => broker.listened(channels.author('9002')) === 1, 'the author\'s channel heard');
    fromFamous('71');
    await until(() => stream.events.some((e) => e.event === 'update'), 'the followed author\'s tweet');
    publish('1001', { control: 'merged-author', authorId: '9002', following: false });
    await until(() => broker.listened(channels.author('9002')) === 0, 'the author\'s channel released');
    fromFamous('72');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.events.filter((e) => e.event === 'update').map((e) => (JSON.parse(e.data!) as { id: string }).id)).toEqual(['71']);
    expect(stream.events.some((e) => e.data?.includes('merged-author'))).toBe(false);
  });

  it('when the session is signed out, then its open streams end within about a second; another session\'s stream stays', async () => {
    const revoked = new Set<string>();
    const { address, closed, streams } = await aStreamingGateway({ revoked });
    const signedOut = await openStream(`${address}/v1/streaming`, bearer(aToken({ sid: 's-out' })));
    const other = await openStream(`${address}/v1/streaming`, bearer(aToken({ sid: 's-other' })));
    await until(() => signedOut.events.length > 0 && other.events.length > 0, 'both streams open');
    revoked.add('s-out');
    // The sweep runs every second; the wait allows for a busy machine.
    await until(() => signedOut.ended(), 'the signed-out stream ended', 3000);
    expect(signedOut.events.at(-1)?.comment).toContain('signed out');
    expect(closed).toEqual(['revoked']);
    expect(other.ended()).toBe(false);
    expect(streams.open).toBe(1);
  });
});

describe('the OpenAPI document', () => {
  it('when the notification and streaming routes are served, then the document stays valid 3.1 and documents each with its codes', async () => {
    const { app } = await aStreamingGateway();
    const document = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { description: string }> }>> }>();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    for (const [path, method] of [['/v1/notifications', 'get'], ['/v1/notifications/unread-count', 'get'], ['/v1/notifications/read', 'post'], ['/v1/streaming', 'get']] as const) {
      const operation = document.paths[path]?.[method];
      expect(operation?.operationId, path).toBeTruthy();
      expect(Object.keys(operation?.responses ?? {}), path).toEqual(expect.arrayContaining(['401', '429', '503']));
    }
    expect(document.paths['/v1/notifications']?.get?.responses['400']?.description).toContain('INVALID_NOTIFICATION_TYPES');
    expect(document.paths['/v1/notifications/read']?.post?.responses['400']?.description).toContain('INVALID_NOTIFICATION_ID');
  });
});
