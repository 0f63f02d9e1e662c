// One suite for the fan-out queue: the holding list (unit) and SQS taken from by the timeline's
// own consumer (integration) must behave alike. Chunks come out whole, each at least once, in
// any order; a repeat is allowed (chunks are idempotent), anything never enqueued is not.
import { eventually } from '@chirp/testing/eventually';
import { afterEach, describe, expect, it } from 'vitest';
import type { FanoutChunk, FanoutQueue } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

/** A queue and what its workers have taken from it so far, repeats included. */
export interface ChunkLine {
  queue: FanoutQueue;
  taken(): readonly FanoutChunk[];
  close(): Promise<void>;
}

/** A fresh queue, and one that cannot be reached. */
export interface ChunkLines {
  open(): Promise<ChunkLine>;
  unreachable(): Promise<FanoutQueue>;
}

const aChunk = (overrides: Partial<FanoutChunk> = {}): FanoutChunk => ({
  action: 'add',
  tweetId: nextId(),
  authorId: nextId(),
  readerIds: [nextId(), nextId()],
  createdAt: '2026-03-01T12:00:00.000Z',
  ...overrides,
});

/** Each distinct chunk once, in one order, so chunks taken in any order and repeated compare with those sent. */
const distinct = (chunks: readonly FanoutChunk[]) =>
  [...new Map(chunks.map((chunk) => [`${chunk.action} ${chunk.tweetId} ${chunk.readerIds.join(',')}`, chunk])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, chunk]) => chunk);

export function fanoutQueueContract(name: string, lines: ChunkLines): void {
  describe(`FanoutQueue contract: ${name}`, () => {
    let line: ChunkLine | undefined;
    afterEach(async () => {
      await line?.close();
      line = undefined;
    });
    /** Resolves with what was taken once `sent` has all come out. */
    const takenOnce = async (sent: readonly FanoutChunk[]) => {
      const wanted = distinct(sent).length;
      await eventually(() => distinct(line!.taken()).length >= wanted, `${wanted} chunks taken from the queue`);
      return distinct(line!.taken());
    };

    it('when chunks are enqueued, then each comes out whole, and nothing that was not enqueued', async () => {
      line = await lines.open();
      const tweetId = nextId();
      const sent = [
        aChunk({ tweetId, readerIds: [nextId(), nextId(), nextId()] }),
        aChunk({ tweetId, readerIds: [nextId()] }),
        aChunk({ action: 'remove', createdAt: '2026-03-01T12:05:00.123Z' }),
      ];
      await line.queue.enqueue(sent);
      expect(await takenOnce(sent)).toEqual(distinct(sent));
    });

    it('when more chunks are enqueued at once than one send carries, then every one comes out', async () => {
      line = await lines.open();
      const sent = Array.from({ length: 23 }, () => aChunk());
      await line.queue.enqueue(sent);
      expect(await takenOnce(sent)).toEqual(distinct(sent));
    });

    it('when a chunk holds as many readers as the chunk size allows (5000), then it comes out whole', async () => {
      line = await lines.open();
      const sent = [aChunk({ readerIds: Array.from({ length: 5000 }, () => nextId()) })];
      await line.queue.enqueue(sent);
      expect(await takenOnce(sent)).toEqual(sent);
    });

    it('when a chunk names no reader, then enqueue rejects it', async () => {
      line = await lines.open();
      await expect(line.queue.enqueue([aChunk({ readerIds: [] })])).rejects.toThrow();
    });

    it('when the queue cannot be reached, then enqueue rejects (the event that made the chunks is retried), rather than resolve as if queued', async () => {
      const queue = await lines.unreachable();
      await expect(queue.enqueue([aChunk()])).rejects.toThrow();
    });
  });
}
