import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { isDependencyUnavailable } from './problems.ts';
import type { EventEnvelope, EventPublisher } from '@chirp/kernel/events';
import { captureTraceContext, TRACE_CARRIER, type Traced } from './trace-context.ts';

const NOTIFY_CHANNEL = 'chirp_outbox';
const LISTEN_RETRY_MS = 1000;

/** Wakes the relay; delivered at commit, so it never runs ahead of the rows it announces. */
export const OUTBOX_NOTIFY = `pg_notify('${NOTIFY_CHANNEL}', '')`;

/**
 * The outbox rows of `events` as an INSERT for a WITH clause, its parameters numbered from
 * `firstParameter`, for a store that writes its change and the change's events in one statement
 * (one round trip; the statement is then its own transaction). `onlyIf` is a SQL condition the
 * rows are written under, such as another part of the statement having written its row.
 * `payloadWith` is a SQL jsonb object merged into each payload, for a field the statement itself
 * draws (a sequence number): the events carry a stand-in there, which it replaces.
 */
export function outboxInsert(
  topic: string,
  events: readonly EventEnvelope[],
  firstParameter: number,
  options: { onlyIf?: string; payloadWith?: string } = {},
): { sql: string; params: unknown[] } {
  const $ = (offset: number) => `$${firstParameter + offset}`;
  const payload = options.payloadWith === undefined ? 'rows.payload' : `rows.payload || ${options.payloadWith}`;
  return {
    sql: `INSERT INTO outbox (event_id, topic, type, version, occurred_at, payload, trace_context)
       SELECT rows.event_id, rows.topic, rows.type, rows.version, rows.occurred_at, ${payload}, ${$(6)}::jsonb
       FROM unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::int[], ${$(4)}::timestamptz[], ${$(5)}::jsonb[])
         AS rows (event_id, topic, type, version, occurred_at, payload)${options.onlyIf === undefined ? '' : ` WHERE ${options.onlyIf}`}`,
    params: [
      events.map((e) => e.id),
      events.map(() => topic),
      events.map((e) => e.type),
      events.map((e) => e.version),
      events.map((e) => e.occurredAt),
      events.map((e) => JSON.stringify(e.payload)),
      // The trace the change was made in (W3C headers, null when not tracing): the relay publishes in it.
      JSON.stringify(captureTraceContext() ?? null),
    ],
  };
}

/**
 * Writes events into the outbox with the caller's client, inside the caller's
 * transaction, so they exist exactly when the change they describe commits.
 * The NOTIFY is delivered at commit and wakes the relay without polling. Rows and
 * NOTIFY are one statement, one round trip (a data-modifying WITH runs to completion
 * whether or not the outer SELECT reads it).
 */
export async function appendToOutbox(client: PoolClient, topic: string, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  const rows = outboxInsert(topic, events, 1);
  await client.query(`WITH appended AS (${rows.sql} RETURNING 1) SELECT ${OUTBOX_NOTIFY}`, rows.params);
}

export interface OutboxRelayOptions {
  pool: Pool;
  /** A publisher per logical topic name written with the events. */
  publishers: Record<string, EventPublisher>;
  log: Logger;
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (a safety net; NOTIFY is the fast path). */
  idleIntervalMs?: number;
  /** Sent rows older than this are deleted. */
  retentionMs?: number;
  /** Longest wait between tries while SNS or Postgres fails (250 ms doubling up to this; default 5 s). */
  maxBackoffMs?: number;
  /**
   * After a batch smaller than `batchSize`, wait this many ms before the next (default 0: at
   * once), so that events committed one by one go several per SNS call. A first event after a
   * quiet spell is published at once; only events following one within this window wait.
   */
  gatherMs?: number;
  onPublished?: (count: number, oldestOccurredAt: Date) => void;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Publishes one batch of pending events; resolves to how many were published. */
  relayOnce(): Promise<number>;
  /** Pending rows right now (for readiness and metrics). */
  pending(): Promise<number>;
}

interface OutboxRow {
  position: string;
  event_id: string;
  topic: string;
  type: string;
  version: number;
  occurred_at: Date;
  payload: unknown;
  trace_context: Record<string, string> | null;
}

/**
 * Publishes pending outbox rows oldest first and marks them sent. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, so several relays share the work without waiting on
 * each other. A relay that dies after publishing but before committing leaves the
 * rows pending and they are published again: delivery is at least once, and
 * consumers dedupe on the event id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const idleIntervalMs = options.idleIntervalMs ?? 1000;
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const gatherMs = options.gatherMs ?? 0;
  const log = options.log.child({ component: 'outbox-relay' });
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: PoolClient | undefined;
  let wake: (() => void) | undefined;
  // A NOTIFY that lands while a batch is being published must not be lost until the next poll.
  let notified = false;
  let lastPrune = 0;

  const relayOnce = async (): Promise<number> => {
    const client = await options.pool.connect();
    // A connection that drops while this batch is published fails the next query; without a
    // listener its 'error' event would end the process.
    const dropped = (err: Error) => log.warn({ err }, 'outbox relay connection lost mid-batch; the batch stays pending');
    client.on('error', dropped);
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      // Claimed and marked sent in one statement; the mark commits only after every event is
      // published (a failure rolls it back, and the rows stay pending). RETURNING keeps no order.
      const { rows } = await client.query<OutboxRow>(
        `UPDATE outbox SET sent_at = now() WHERE position IN (
           SELECT position FROM outbox WHERE sent_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING position, event_id, topic, type, version, occurred_at, payload, trace_context`,
        [batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      rows.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
      const byTopic = new Map<string, EventEnvelope[]>();
      for (const row of rows) {
        const envelope: Traced<EventEnvelope> = {
          id: row.event_id,
          type: row.type,
          version: row.version,
          occurredAt: row.occurred_at.toISOString(),
          payload: row.payload,
          [TRACE_CARRIER]: row.trace_context,
        };
        const events = byTopic.get(row.topic);
        if (events) events.push(envelope);
        else byTopic.set(row.topic, [envelope]);
      }
      for (const [topic, events] of byTopic) {
        const publisher = options.publishers[topic];
        if (!publisher) throw new Error(`outbox has events for topic '${topic}' but the relay has no publisher for it`);
        await publisher.publish(events);
      }
      await client.query('COMMIT');
      options.onPublished?.(rows.length, rows[0]?.occurred_at ?? new Date());
      return rows.length;
    } catch (error) {
      failure = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', dropped);
      // A connection that failed is closed rather than handed to the next caller.
      client.release(failure && isDependencyUnavailable(failure) ? failure : undefined);
    }
  };

  const prune = async () => {
    if (Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    const result = await options.pool.query(
      `DELETE FROM outbox WHERE position IN (
         SELECT position FROM outbox WHERE sent_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [retentionMs / 1000],
    );
    if (result.rowCount) log.info({ deleted: result.rowCount }, 'pruned sent outbox rows');
  };

  /** Waits `ms`; a NOTIFY ends the wait early only when `wakeOnNotify` (never during a backoff). */
  const sleep = (ms: number, wakeOnNotify: boolean) =>
    new Promise<void>((resolve) => {
      if (wakeOnNotify && notified) {
        notified = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        stopWaiting = undefined;
        resolve();
      }
      if (wakeOnNotify) wake = done;
      stopWaiting = done;
    });
  let stopWaiting: (() => void) | undefined;

  const run = async () => {
    let failures = 0;
    while (running) {
      try {
        // A NOTIFY from here on may be for rows this batch's claim does not see: it brings another pass.
        notified = false;
        const published = await relayOnce();
        failures = 0;
        // A full batch (or more, should the planner rescan the claim) means more may be waiting.
        if (published >= batchSize) continue;
        await prune();
        if (published > 0 && gatherMs > 0) {
          if (running) await sleep(gatherMs, false);
          // Stopped during the wait: what the last requests wrote still goes out now (shutdown publishes it last).
          if (!running) await relayOnce();
          // Otherwise on to the wait below, which ends at once if a NOTIFY came meanwhile: no empty pass after a lone event.
        }
      } catch (error) {
        failures += 1;
        // However many events are appended meanwhile (each a NOTIFY), the next try waits out the backoff.
        const backoff = Math.min(maxBackoffMs, 250 * 2 ** (failures - 1));
        log.error({ err: error, retryInMs: backoff, failures }, 'outbox relay could not publish; events stay pending and will be retried (check SNS and Postgres)');
        notified = false;
        // Stopping: no backoff (the final pass after a gather may have been the one that failed).
        if (running) await sleep(backoff, false);
        continue;
      }
      if (running) await sleep(idleIntervalMs, true);
    }
  };

  const onNotification = () => {
    if (wake) wake();
    else notified = true;
  };

  /**
   * The LISTEN connection, held outside the pool's reach. When it fails (the server restarted:
   * 57P01, or the network dropped) it is thrown away and a new one LISTENs after a second; the
   * relay polls meanwhile, so nothing waits on it.
   */
  const listen = async (): Promise<void> => {
    const client = await options.pool.connect();
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      if (listener === client) listener = undefined;
      client.release(err);
      if (!running) return;
      log.warn({ err }, 'outbox LISTEN connection lost; listening again in a second (the relay polls meanwhile)');
      scheduleListen();
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('the LISTEN connection ended')));
    client.on('notification', onNotification);
    try {
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      fail(error as Error);
      throw error;
    }
    listener = client;
    // Rows appended while nobody listened are picked up now.
    onNotification();
  };
  let relisten: NodeJS.Timeout | undefined;
  const scheduleListen = () => {
    clearTimeout(relisten);
    relisten = setTimeout(() => {
      if (!running || listener) return;
      listen().catch((err: unknown) => {
        log.warn({ err }, 'could not LISTEN for outbox rows yet; trying again in a second');
        scheduleListen();
      });
    }, LISTEN_RETRY_MS);
  };

  return {
    relayOnce,
    async pending() {
      const { rows } = await options.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE sent_at IS NULL');
      return Number(rows[0]?.count ?? 0);
    },
    async start() {
      if (running) return;
      running = true;
      try {
        await listen();
      } catch (error) {
        running = false;
        throw error;
      }
      loop = run();
    },
    async stop() {
      running = false;
      clearTimeout(relisten);
      stopWaiting?.();
      await loop;
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
        client.removeAllListeners();
        client.release();
      }
    },
  };
}
