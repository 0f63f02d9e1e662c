import type { ServerResponse } from 'node:http';
import type { Logger } from '@chirp/common/logging';
import { parseStreamMessage, type StreamChannels, type StreamControl, type StreamMessage } from '@chirp/common/stream-channels';
import type { CallContext } from '../../use-cases/ports.ts';
import type { MergedAuthors, NotificationService, StreamBroker } from '../../use-cases/streaming-ports.ts';

export interface StreamSettings {
  /** A comment goes out when nothing else has for this long (the contract: at least every 30 s). */
  heartbeatMs: number;
  /** Bytes a connection may have waiting for its client; past it the client is too slow and is dropped. */
  maxBufferedBytes: number;
  /** At most this many missed notifications are replayed on a reconnect (the rest: list them). */
  replayLimit: number;
}

export type CloseReason = 'client' | 'expired' | 'revoked' | 'slow' | 'shutdown';

export interface StreamMetrics {
  opened(): void;
  closed(reason: CloseReason): void;
  delivered(event: StreamMessage['event'], lagSeconds: number): void;
}

interface Connection {
  userId: string;
  sessionId: string;
  expiresAt: number;
  raw: ServerResponse;
  lastWriteAt: number;
  /** Notifications are sent in id order, once each: anything at or below this id was sent (or replayed). */
  lastNotificationId: bigint;
  /** Messages heard while the replay is being written; delivered after it. */
  pending: StreamMessage[] | undefined;
  /** Stops hearing the user's own channel. */
  stops: Array<() => Promise<void>>;
  /** The merged-on-read authors heard, each with what stops hearing it. */
  authors: Map<string, () => Promise<void>>;
  /** Follows and unfollows of merged authors are applied one after another, in the order heard. */
  controls: Promise<void>;
  closed: boolean;
}

const frame = (message: { event: string; id?: string | undefined; data: unknown }) =>
  `event: ${message.event}\n${message.id === undefined ? '' : `id: ${message.id}\n`}data: ${JSON.stringify(message.data)}\n\n`;

/**
 * The streams this gateway process holds. Each listens to its user's channel (notifications,
 * and tweets entering or leaving their home timeline from fan-out) and to the channels of the
 * high-follower authors they follow (merged on read, so fan-out writes nothing per follower).
 * Following or unfollowing such an author while connected is told on the user's channel (a
 * control message from the timeline), and the stream starts or stops hearing them. One sweep a
 * second sends heartbeats and ends streams whose token expired or whose session was signed out
 * (`isRevoked`, the set the gateway keeps from the user service's revocations); a client that
 * lets more than `maxBufferedBytes` pile up is dropped rather than held in memory.
 */
export function createEventStreams(deps: {
  broker: StreamBroker;
  channels: StreamChannels;
  notifications: NotificationService;
  mergedAuthors: MergedAuthors;
  /** Whether a session was signed out or revoked: its streams end within a sweep. */
  isRevoked: (sessionId: string) => boolean;
  settings: StreamSettings;
  metrics: StreamMetrics;
  log: Logger;
}) {
  const connections = new Set<Connection>();

  const write = (connection: Connection, text: string): void => {
    if (connection.closed) return;
    connection.raw.write(text);
    connection.lastWriteAt = Date.now();
    if (connection.raw.writableLength > deps.settings.maxBufferedBytes) {
      deps.log.warn({ userId: connection.userId, bufferedBytes: connection.raw.writableLength }, 'stream client too slow: dropped (it reconnects with Last-Event-ID)');
      close(connection, 'slow');
    }
  };

  const deliver = (connection: Connection, message: StreamMessage): void => {
    if (message.event === 'notification') {
      const id = BigInt(message.id ?? '0');
      if (id <= connection.lastNotificationId) return;
      connection.lastNotificationId = id;
    }
    write(connection, frame(message));
    deps.metrics.delivered(message.event, Math.max(0, Date.now() - message.at) / 1000);
  };

  const stopping = (connection: Connection, what: string) => (stop: () => Promise<void>) => {
    stop().catch((err: unknown) => deps.log.warn({ err, userId: connection.userId }, `${what} failed; Redis may send this replica a channel nobody hears`));
  };

  function close(connection: Connection, reason: CloseReason): void {
    if (connection.closed) return;
    connection.closed = true;
    connections.delete(connection);
    deps.metrics.closed(reason);
    if (reason === 'slow') connection.raw.destroy();
    else connection.raw.end();
    const stop = stopping(connection, 'unsubscribing a closed stream');
    connection.stops.forEach(stop);
    // A follow being applied adds its author after this; applyControl stops that one itself.
    connection.authors.forEach(stop);
    connection.authors.clear();
  }

  /** Runs `step` after the connection's earlier follows and unfollows; the chain goes on if it fails. */
  const inTurn = (connection: Connection, step: () => Promise<void>): Promise<void> => {
    const run = connection.controls.then(step);
    connection.controls = run.catch(() => undefined);
    return run;
  };

  /** Starts or stops hearing a merged author the user just followed or unfollowed; a repeat changes nothing. */
  async function applyControl(connection: Connection, control: StreamControl, onMessage: (text: string) => void): Promise<void> {
    const { authorId } = control;
    if (!control.following) {
      const stop = connection.authors.get(authorId);
      connection.authors.delete(authorId);
      if (stop) await stop();
      return;
    }
    if (connection.closed || connection.authors.has(authorId)) return;
    const stop = await deps.broker.listen(deps.channels.author(authorId), onMessage);
    if (connection.closed) await stop();
    else connection.authors.set(authorId, stop);
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      if (connection.expiresAt <= now) {
        write(connection, ': access token expired; reconnect with a fresh one\n\n');
        close(connection, 'expired');
      } else if (deps.isRevoked(connection.sessionId)) {
        write(connection, ': session signed out\n\n');
        close(connection, 'revoked');
      } else if (now - connection.lastWriteAt >= deps.settings.heartbeatMs) {
        write(connection, ': heartbeat\n\n');
      }
    }
  }, 1000);
  sweep.unref();

  return {
    get open() {
      return connections.size;
    },

    /**
     * Opens a stream: listens first (holding what arrives), then reads what was missed after
     * `lastEventId`, so nothing falls between the two. Throws before anything is written when a
     * dependency fails, so the caller can still answer with a problem; `start` then writes the
     * head, the replay and what was held, in id order, none twice.
     */
    async prepare(stream: { userId: string; sessionId: string; expiresAt: Date; lastEventId: string | undefined; ctx: CallContext }) {
      const connection: Connection = {
        userId: stream.userId,
        sessionId: stream.sessionId,
        expiresAt: stream.expiresAt.getTime(),
        raw: undefined as unknown as ServerResponse,
        lastWriteAt: Date.now(),
        lastNotificationId: BigInt(stream.lastEventId ?? '0'),
        pending: [],
        stops: [],
        authors: new Map(),
        controls: Promise.resolve(),
        closed: false,
      };
      const onMessage = (text: string) => {
        const message = parseStreamMessage(text);
        if (!message) {
          deps.log.error({ userId: stream.userId, text: text.slice(0, 200) }, 'unreadable stream message dropped; check what publishes to the stream channels');
          return;
        }
        if ('control' in message) {
          inTurn(connection, () => applyControl(connection, message, onMessage)).catch((err: unknown) =>
              deps.log.warn({ err, userId: stream.userId, authorId: message.authorId, following: message.following }, "a merged author's channel could not be (un)subscribed; the stream hears them after a reconnect (check the gateway Redis)"),
            );
          return;
        }
        if (connection.pending) connection.pending.push(message);
        else deliver(connection, message);
      };
      try {
        connection.stops.push(await deps.broker.listen(deps.channels.user(stream.userId), onMessage));
        const authors = await deps.mergedAuthors.followedBy(stream.userId, stream.ctx);
        await inTurn(connection, async () => {
          for (const authorId of authors) await applyControl(connection, { control: 'merged-author', authorId, following: true }, onMessage);
        });
        const missed: StreamMessage[] = [];
        let after = stream.lastEventId;
        while (after !== undefined && missed.length < deps.settings.replayLimit) {
          const page = await deps.notifications.missed(stream.userId, after, Math.min(100, deps.settings.replayLimit - missed.length), stream.ctx);
          for (const notification of page.data) missed.push({ event: 'notification', id: notification.id, data: notification, at: Date.parse(notification.createdAt) });
          after = page.nextAfter ?? undefined;
        }
        return {
          start(raw: ServerResponse, head: Record<string, string | number | string[]>) {
            connection.raw = raw;
            raw.writeHead(200, head);
            connections.add(connection);
            deps.metrics.opened();
            raw.on('close', () => close(connection, 'client'));
            write(connection, 'retry: 2000\n: stream open\n\n');
            const held = connection.pending ?? [];
            connection.pending = undefined;
            // A replayed notification is not a live delivery: no lag is recorded for it.
            for (const message of missed) {
              if (BigInt(message.id ?? '0') <= connection.lastNotificationId) continue;
              connection.lastNotificationId = BigInt(message.id ?? '0');
              write(connection, frame(message));
            }
            for (const message of held) deliver(connection, message);
          },
        };
      } catch (error) {
        connection.closed = true;
        for (const stop of [...connection.stops, ...connection.authors.values()]) {
          await stop().catch((err: unknown) => deps.log.warn({ err, userId: stream.userId }, 'unsubscribing a stream that failed to open failed'));
        }
        throw error;
      }
    },

    /** Ends every stream (SIGTERM: clients reconnect to another replica) and stops the sweep. */
    closeAll(): void {
      clearInterval(sweep);
      for (const connection of [...connections]) {
        write(connection, ': server shutting down; reconnect\n\n');
        close(connection, 'shutdown');
      }
    },
  };
}
export type EventStreams = ReturnType<typeof createEventStreams>;
