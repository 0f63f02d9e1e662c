// The live stream's wire between the services that make events and the gateway replicas that
// hold the connections: Redis pub/sub, one channel per connected user (and one per
// high-follower author a connected user follows). A replica subscribes only while it holds a
// listener, so a publish reaches only replicas that want it, and none when the user is offline.
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Redis } from 'ioredis';

/** `notification` and `update` carry the object clients see (Notification, Tweet); `delete` carries `{ id }`. */
export const StreamMessageSchema = Type.Object({
  event: Type.Union([Type.Literal('notification'), Type.Literal('update'), Type.Literal('delete')]),
  /** The SSE id: set for notifications (their id), so a client can resume after it. */
  id: Type.Optional(Type.String()),
  data: Type.Unknown(),
  /** When the act happened (ms since the epoch), for the delivery-lag histogram. */
  at: Type.Number(),
});
export interface StreamMessage {
  event: 'notification' | 'update' | 'delete';
  id?: string;
  data: unknown;
  at: number;
}
/**
 * Not for the client: tells the replica holding a user's stream that the user now follows
 * (`following`) or no longer follows a high-follower author, so it starts or stops hearing that
 * author's channel without waiting for a reconnect. Sent on the user's channel by the timeline,
 * which knows who is merged on read.
 */
export const StreamControlSchema = Type.Object({
  control: Type.Literal('merged-author'),
  authorId: Type.String(),
  following: Type.Boolean(),
});
export interface StreamControl {
  control: 'merged-author';
  authorId: string;
  following: boolean;
}
const streamMessageCheck = TypeCompiler.Compile(Type.Union([StreamMessageSchema, StreamControlSchema]));

/** A message from a channel (an event for the client, or a control for the replica), or undefined when it is neither (logged by the caller). */
export function parseStreamMessage(text: string): StreamMessage | StreamControl | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return streamMessageCheck.Check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Channel names under one prefix (tests use their own, so runs never hear each other). */
export function streamChannels(prefix: string) {
  return {
    /** Everything for one user: their notifications, and tweets entering or leaving their home timeline. */
    user: (userId: string) => `${prefix}user:${userId}`,
    /** Tweets of one high-follower author, merged into followers' timelines on read: one publish for every online follower. */
    author: (authorId: string) => `${prefix}author:${authorId}`,
  };
}
export type StreamChannels = ReturnType<typeof streamChannels>;

/**
 * Publishes messages to channels, skipping channels nobody listens to (one PUBSUB NUMSUB for
 * all of them first), so a caller can also skip the work of making a message for nobody.
 */
export function createStreamPublisher(redis: Redis) {
  return {
    /** The channels among `channels` that at least one gateway replica listens to. */
    async listened(channels: readonly string[]): Promise<string[]> {
      if (channels.length === 0) return [];
      const answer = (await redis.call('PUBSUB', 'NUMSUB', ...channels)) as Array<string | number>;
      const listened: string[] = [];
      for (let i = 0; i < answer.length; i += 2) if (Number(answer[i + 1]) > 0) listened.push(String(answer[i]));
      return listened;
    },
    async publish(messages: ReadonlyArray<{ channel: string; message: StreamMessage | StreamControl }>): Promise<void> {
      if (messages.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { channel, message } of messages) pipeline.publish(channel, JSON.stringify(message));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
  };
}
export type StreamPublisher = ReturnType<typeof createStreamPublisher>;
