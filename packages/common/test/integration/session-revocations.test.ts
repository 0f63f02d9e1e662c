// The revocation protocol between the user service and the gateways, on the real Redis: each
// case uses its own prefix (set and channel), so nothing here touches another test's keys.
import { stackEnv, uniqueName } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisRevocationPublisher, type RevokedSessions, watchRevokedSessions } from '../../src/session-revocations.ts';

const opened: Array<{ redis: Redis }> = [];
const watchers: RevokedSessions[] = [];
const prefixes: string[] = [];
const connect = (name?: string) => {
  const redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => 50, ...(name ? { connectionName: name } : {}) });
  redis.on('error', () => undefined);
  opened.push({ redis });
  return redis;
};

function setUp() {
  const prefix = `${uniqueName('t:')}:sessions:`;
  prefixes.push(prefix);
  const publisher = createRedisRevocationPublisher(connect(), prefix);
  const replica = (options: { name?: string; onSyncChange?: (inSync: boolean) => void; onProblem?: (problem: string) => void } = {}) => {
    const watcher = watchRevokedSessions({ subscriber: connect(options.name), reader: connect(), prefix, retryMs: 50, onSyncChange: options.onSyncChange, onProblem: options.onProblem });
    watchers.push(watcher);
    return watcher;
  };
  return { prefix, publisher, replica };
}

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((watcher) => watcher.close()));
  const cleaner = connect();
  for (const prefix of prefixes.splice(0)) await cleaner.del(`${prefix}revoked`);
  for (const { redis } of opened.splice(0)) redis.disconnect();
});

const inAMinute = () => Date.now() + 60_000;
/** For waits on Redis connecting and subscribing, which a loaded machine may take more than vi.waitFor's default second for. */
const SLOW = { timeout: 10_000, interval: 20 };

describe('session revocations through Redis', () => {
  it('when a session is revoked, then two gateway replicas refuse it at once (pushed, not loaded later), and only it', async () => {
    const { publisher, replica } = setUp();
    const [a, b] = [replica(), replica()];
    await vi.waitFor(() => expect([a.inSync, b.inSync]).toEqual([true, true]), SLOW);
    await publisher.publish([{ sessionId: 's-1', untilMs: inAMinute() }]);
    // Nothing reloads a replica in sync: unless the message reached both, this never holds. A
    // second is plenty on a quiet machine; 3 s leaves a loaded one room.
    await vi.waitFor(() => expect([a.has('s-1'), b.has('s-1')]).toEqual([true, true]), { timeout: 3000, interval: 20 });
    expect([a.has('s-2'), b.has('s-2')]).toEqual([false, false]);
  });

  it('when a replica starts after revocations, then it loads the ones still in force', async () => {
    const { publisher, replica } = setUp();
    await publisher.publish([
      { sessionId: 'old', untilMs: Date.now() + 300 },
      { sessionId: 'recent', untilMs: inAMinute() },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const late = replica();
    expect(await late.whenInSync(10_000)).toBe(true);
    expect([late.has('recent'), late.has('old')]).toEqual([true, false]);
  });

  it('when a revocation runs out, then the session is no longer refused and the set forgets it', async () => {
    const { prefix, publisher, replica } = setUp();
    const gateway = replica();
    await vi.waitFor(() => expect(gateway.inSync).toBe(true), SLOW);
    await publisher.publish([{ sessionId: 'brief', untilMs: Date.now() + 300 }]);
    await vi.waitFor(() => expect(gateway.has('brief')).toBe(true), SLOW);
    await vi.waitFor(() => expect(gateway.has('brief')).toBe(false), SLOW);
    await publisher.publish([{ sessionId: 'later', untilMs: inAMinute() }]);
    expect(await connect().zrange(`${prefix}revoked`, 0, -1)).toEqual(['later']);
  });

  it('when a session is announced again with an earlier time, then it keeps the later one', async () => {
    const { prefix, publisher } = setUp();
    const until = inAMinute();
    await publisher.publish([{ sessionId: 's', untilMs: until }]);
    await publisher.publish([{ sessionId: 's', untilMs: until - 30_000 }]);
    expect(Number(await connect().zscore(`${prefix}revoked`, 's'))).toBe(until);
  });

  it('when a replica loses its connection and a session is revoked meanwhile, then it reloads on reconnecting and refuses it', async () => {
    const { publisher, replica } = setUp();
    const name = uniqueName('revsub');
    const changes: boolean[] = [];
    const gateway = replica({ name, onSyncChange: (inSync) => changes.push(inSync) });
    await vi.waitFor(() => expect(gateway.inSync).toBe(true), SLOW);
    const admin = connect();
    // Only this test's own subscriber connection, found by its name.
    const line = String(await admin.client('LIST')).split('\n').find((entry) => entry.includes(`name=${name} `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);
    await publisher.publish([{ sessionId: 'while-away', untilMs: inAMinute() }]);
    await vi.waitFor(() => expect(gateway.has('while-away')).toBe(true), SLOW);
    expect(changes).toEqual([true, false, true]);
  });

  it('when a malformed message arrives on the channel, then it is reported and changes nothing', async () => {
    const { prefix, replica } = setUp();
    const problems: string[] = [];
    const gateway = replica({ onProblem: (problem) => problems.push(problem) });
    await vi.waitFor(() => expect(gateway.inSync).toBe(true), SLOW);
    await connect().publish(`${prefix}revoked`, 'not a revocation');
    await vi.waitFor(() => expect(problems).toEqual([expect.stringContaining('malformed revocation message')]), SLOW);
    expect(gateway.size).toBe(0);
  });
});
