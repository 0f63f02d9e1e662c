import { Type } from '@sinclair/typebox';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { killRelayAfterPublish } from '@chirp/testing/outbox-faults';
import { createTestDatabase, createTestTopology, type TestDatabase, type TestTopology } from '@chirp/testing/stack';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, defineEvent, type EventEnvelope } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '../../src/events.ts';
import { appendToOutbox, createOutboxRelay, type OutboxRelay } from '../../src/outbox.ts';
import { OUTBOX_MIGRATIONS } from '../../src/pg-migrations.ts';

const NoteWritten = defineEvent('note.written', 1, Type.Object({ noteId: Type.String() }));
const log = pino({ level: 'silent' });

let db: TestDatabase;
let topology: TestTopology;
beforeAll(async () => {
  [db, topology] = await Promise.all([
    createTestDatabase({ migrations: [OUTBOX_MIGRATIONS] }),
    createTestTopology({ topics: ['notes'], queues: [{ name: 'readers', subscribesTo: ['notes'], maxReceiveCount: 5, visibilityTimeoutSeconds: 30 }] }),
  ]);
  await db.pool.query('CREATE TABLE notes (id text PRIMARY KEY)');
});
afterAll(async () => {
  await db.drop();
  await topology.destroy();
});
beforeEach(async () => {
  await drainQueue();
  await db.pool.query('TRUNCATE outbox, notes');
});

const publishers = () => ({ notes: createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! }) });

/** Writes notes and their events in one transaction, as a use case would; `fail` rolls it back. */
async function writeNotes(ids: string[], options: { fail?: boolean } = {}): Promise<EventEnvelope[]> {
  const events = ids.map((noteId) => createEvent(NoteWritten, { noteId }));
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO notes SELECT unnest($1::text[])', [ids]);
    await appendToOutbox(client, 'notes', events);
    if (options.fail) throw new Error('use case failed after writing');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    if (!options.fail) throw error;
  } finally {
    client.release();
  }
  return events;
}

const drainQueue = async (): Promise<string[]> => (await drainEvents(topology.clients.sqs, topology.queueUrls.readers!)).map((e) => e.id);
const until = (condition: () => Promise<boolean>, timeoutMs?: number) => eventually(condition, 'outbox drained', timeoutMs);

/** A publisher that records each batch's event ids; `first` resolves when the first batch is published. */
function recordingPublisher() {
  const batches: string[][] = [];
  let firstPublished!: () => void;
  const first = new Promise<void>((resolve) => (firstPublished = resolve));
  const publish = async (batch: readonly EventEnvelope[]) => {
    batches.push(batch.map((e) => e.id));
    firstPublished();
  };
  return { batches, first, publish };
}

async function withRelays<T>(count: number, options: { idleIntervalMs: number }, body: (relays: OutboxRelay[]) => Promise<T>): Promise<T> {
  const relays = Array.from({ length: count }, () => createOutboxRelay({ pool: db.pool, publishers: publishers(), log, batchSize: 25, ...options }));
  await Promise.all(relays.map((relay) => relay.start()));
  try {
    return await body(relays);
  } finally {
    await Promise.all(relays.map((relay) => relay.stop()));
  }
}

describe('transactional outbox', () => {
  it('when the transaction rolls back, then no event exists; when it commits, then every event does', async () => {
    await writeNotes(['lost-1'], { fail: true });
    const kept = await writeNotes(['kept-1', 'kept-2']);
    const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY position');
    expect(rows.map((r) => r.event_id)).toEqual(kept.map((e) => e.id));
  });

  it('when events are appended, then NOTIFY wakes the relay without waiting for its poll interval', async () => {
    await withRelays(1, { idleIntervalMs: 120_000 }, async (relays) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const events = await writeNotes(['n-1']);
      await until(async () => (await relays[0]!.pending()) === 0, 10_000);
      expect(await drainQueue()).toEqual(events.map((e) => e.id));
    });
  });

  it('when 60 events are pending, then batches of 25 publish them oldest first and mark sent only what was published', async () => {
    // Appended in three transactions, so positions interleave nothing and the order is the append order.
    const events = [...(await writeNotes(['o-1', 'o-2'])), ...(await writeNotes(Array.from({ length: 50 }, (_, i) => `o-${i + 3}`))), ...(await writeNotes(['o-53', 'o-54', 'o-55', 'o-56', 'o-57', 'o-58', 'o-59', 'o-60']))];
    const batches: string[][] = [];
    const relay = createOutboxRelay({ pool: db.pool, publishers: { notes: { publish: async (batch) => void batches.push(batch.map((e) => e.id)) } }, log, batchSize: 25 });
    expect([await relay.relayOnce(), await relay.pending()]).toEqual([25, 35]);
    expect(await relay.relayOnce()).toBe(25);
    expect(await relay.relayOnce()).toBe(10);
    expect(await relay.relayOnce()).toBe(0);
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
    expect(batches.flat()).toEqual(events.map((e) => e.id));
  });

  it('when publishing fails, then the batch stays pending and the next try publishes it', async () => {
    const events = await writeNotes(['f-1', 'f-2']);
    let fail = true;
    const published: string[] = [];
    const publish = async (batch: readonly EventEnvelope[]) => {
      if (fail) throw new Error('SNS unavailable');
      published.push(...batch.map((e) => e.id));
    };
    const relay = createOutboxRelay({ pool: db.pool, publishers: { notes: { publish } }, log });
    await expect(relay.relayOnce()).rejects.toThrow('SNS unavailable');
    expect(await relay.pending()).toBe(2);
    fail = false;
    expect(await relay.relayOnce()).toBe(2);
    expect([published, await relay.pending()]).toEqual([events.map((e) => e.id), 0]);
  });

  it('when events follow one another within the gather window, then they share a batch, and a lone event is not held', async () => {
    const GATHER_MS = 3000;
    const { batches, first, publish } = recordingPublisher();
    const relay = createOutboxRelay({ pool: db.pool, publishers: { notes: { publish } }, log, idleIntervalMs: 120_000, gatherMs: GATHER_MS });
    await relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = performance.now();
      const [lone] = await writeNotes(['g-1']);
      await first;
      // Published at once, not after the window (what tells the two apart is GATHER_MS).
      expect(performance.now() - started).toBeLessThan(GATHER_MS - 500);
      // Three commits while the relay waits out its window: one batch after it.
      const following = [...(await writeNotes(['g-2'])), ...(await writeNotes(['g-3'])), ...(await writeNotes(['g-4']))];
      await until(async () => (await relay.pending()) === 0, 10_000);
      expect(batches).toEqual([[lone!.id], following.map((e) => e.id)]);
    } finally {
      await relay.stop();
    }
  });

  it('when a lone event has been published and the gather window passes with nothing new, then the relay claims nothing more until a NOTIFY', async () => {
    const { first, publish } = recordingPublisher();
    let claims = 0;
    // Each pass takes a pooled connection for its claim; counting them counts the passes.
    const pool = { connect: () => ((claims += 1), db.pool.connect()), query: db.pool.query.bind(db.pool) } as unknown as typeof db.pool;
    const relay = createOutboxRelay({ pool, publishers: { notes: { publish } }, log, idleIntervalMs: 120_000, gatherMs: 100 });
    await relay.start();
    try {
      await writeNotes(['q-1']);
      await first;
      const afterPublish = claims;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(claims).toBe(afterPublish);
      expect(await relay.pending()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('when the relay is stopped during its gather window, then what was committed in it is published before stop resolves', async () => {
    const { batches, first, publish } = recordingPublisher();
    const relay = createOutboxRelay({ pool: db.pool, publishers: { notes: { publish } }, log, idleIntervalMs: 120_000, gatherMs: 60_000 });
    await relay.start();
    const [lone] = await writeNotes(['s-1']);
    await first;
    const [last] = await writeNotes(['s-2']);
    await relay.stop();
    expect(batches).toEqual([[lone!.id], [last!.id]]);
    expect(await relay.pending()).toBe(0);
  });

  it('when two relays share 200 pending events, then each event is published exactly once', async () => {
    const events = await writeNotes(Array.from({ length: 200 }, (_, i) => `bulk-${i}`));
    await withRelays(2, { idleIntervalMs: 100 }, async (relays) => {
      await until(async () => (await relays[0]!.pending()) === 0);
    });
    const published = await drainQueue();
    expect(published).toHaveLength(200);
    expect(new Set(published)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('when the relay is killed between publish and mark-sent, then the events stay pending and are published again: none lost', async () => {
    const events = await writeNotes(['k-1', 'k-2', 'k-3']);
    expect(killRelayAfterPublish({ databaseUrl: db.url, topic: 'notes', topicArn: topology.topicArns.notes! })).toBe('SIGKILL');
    const { rows } = await db.pool.query<{ pending: string }>('SELECT count(*) AS pending FROM outbox WHERE sent_at IS NULL');
    expect(rows[0]!.pending).toBe('3');

    await withRelays(1, { idleIntervalMs: 100 }, async (relays) => {
      await until(async () => (await relays[0]!.pending()) === 0);
    });
    const published = await drainQueue();
    const ids = events.map((e) => e.id);
    // Published by the killed relay and again by its successor; consumers dedupe on the id.
    expect(published.sort()).toEqual([...ids, ...ids].sort());
  });
});
