import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createEvent, defineEvent, EventHandlerRegistry, InvalidEventError, parseEnvelope } from '../../src/events.ts';

const UserFollowed = defineEvent('user.followed', 1, Type.Object({ followerId: Type.String(), followeeId: Type.String() }, { additionalProperties: false }));

describe('event envelopes', () => {
  it('when an event is created, then it has an id, type, version and ISO time around a valid payload', () => {
    const event = createEvent(UserFollowed, { followerId: '1', followeeId: '2' }, { occurredAt: new Date('2026-01-02T03:04:05Z') });
    expect(event).toMatchObject({ type: 'user.followed', version: 1, occurredAt: '2026-01-02T03:04:05.000Z' });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseEnvelope(JSON.stringify(event))).toEqual(event);
  });

  it('when the payload breaks its schema, then the producer refuses to create it', () => {
    expect(() => createEvent(UserFollowed, { followerId: '1' } as never)).toThrow(/payload of user.followed v1 is invalid/);
  });

  it('when a body is not an envelope, then parsing says why', () => {
    expect(() => parseEnvelope('{oops')).toThrow(/not JSON/);
    expect(() => parseEnvelope(JSON.stringify({ id: '1', type: 'user.followed', version: 1, payload: {} }))).toThrow(/occurredAt/);
    expect(() => parseEnvelope(JSON.stringify({ id: '1', type: 'x', occurredAt: 'yesterday', version: 1, payload: {} }))).toThrow(InvalidEventError);
  });

  it('when the consumer resolves a handler, then the payload is validated on this side too', () => {
    const registry = new EventHandlerRegistry().on(UserFollowed, async () => undefined);
    const good = createEvent(UserFollowed, { followerId: '1', followeeId: '2' });
    expect(registry.resolve(good)).toBeTypeOf('function');
    expect(() => registry.resolve({ ...good, payload: { followerId: 1 } })).toThrow(/is invalid/);
    expect(() => registry.resolve({ ...good, type: 'user.unknown' })).toThrow(/no handler for event type user.unknown v1/);
    expect(() => registry.resolve({ ...good, version: 2 })).toThrow(/v2/);
  });
});
