// One suite for the home timeline cache: the in-memory fake (unit) and Redis (integration).
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_HOME_ITEMS } from '../../src/domain/timeline.ts';
import type { TimelineCache } from '../../src/use-cases/ports.ts';

/** Real Snowflake-sized ids that differ by 1, so a cache keyed by a double would confuse them. */
const base = 382_547_511_639_801_856n;
const id = (n: number) => String(base + BigInt(n));

export function timelineCacheContract(name: string, makeCache: () => Promise<TimelineCache>): void {
  describe(`TimelineCache contract: ${name}`, () => {
    let cache: TimelineCache;
    beforeEach(async () => {
      cache = await makeCache();
    });

    it('when a reader has no entry, then reads miss and writes do not make a partial one', async () => {
      expect(await cache.read('1', undefined, 10)).toBeUndefined();
      expect(await cache.add(['1'], id(1))).toEqual(new Map([['1', { state: 'absent' }]]));
      expect(await cache.read('1', undefined, 10)).toBeUndefined();
    });

    it('when an entry is built, then it reads newest first, takes new tweets once, loses removed ones, and pages by id exactly', async () => {
      expect(await cache.rebuild('2', async () => [id(3), id(2), id(1)])).toBe(true);
      expect(await cache.add(['2', '3'], id(4))).toEqual(
        new Map([
          ['2', { state: 'within' }],
          ['3', { state: 'absent' }],
        ]),
      );
      await cache.add(['2'], id(4));
      await cache.remove(['2'], id(2));
      expect(await cache.read('2', undefined, 10)).toEqual([id(4), id(3), id(1)]);
      expect(await cache.read('2', id(4), 1)).toEqual([id(3)]);
      expect(await cache.read('2', id(3), 10)).toEqual([id(1)]);
      expect(await cache.read('3', undefined, 10)).toBeUndefined();
      await cache.forget('2');
      expect(await cache.read('2', undefined, 10)).toBeUndefined();
    });

    it('when an empty timeline is built, then it reads as empty, not as a miss', async () => {
      await cache.rebuild('4', async () => []);
      expect(await cache.read('4', undefined, 10)).toEqual([]);
    });

    it('when the entry is forgotten or a tweet removed while a rebuild loads, then that build ends without the entry', async () => {
      for (const interrupt of [() => cache.forget('6'), () => cache.remove(['6'], id(2))]) {
        let release!: () => void;
        const loading = new Promise<string[]>((resolve) => (release = () => resolve([id(2), id(1)])));
        const build = cache.rebuild('6', () => loading);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await interrupt();
        release();
        expect(await build).toBe(false);
        expect(await cache.read('6', undefined, 10)).toBeUndefined();
      }
    });

    it('when a tweet is added while the entry is built, then it lands in the entry, which says absent until the build ends', async () => {
      let release!: () => void;
      const loading = new Promise<string[]>((resolve) => (release = () => resolve([id(1)])));
      const build = cache.rebuild('9', () => loading);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await cache.add(['9'], id(2))).toEqual(new Map([['9', { state: 'absent' }]]));
      release();
      expect(await build).toBe(true);
      expect(await cache.read('9', undefined, 10)).toEqual([id(2), id(1)]);
      expect(await cache.add(['9'], id(3))).toEqual(new Map([['9', { state: 'within' }]]));
    });

    it('when many ids share the cursor’s score, then paging still finds every one below it', async () => {
      const many = Array.from({ length: 300 }, (_, i) => String(7_300_000_000_000_000_000n + BigInt(i)));
      await cache.rebuild('7', async () => [...many].reverse());
      const seen: string[] = [];
      let before: string | undefined;
      for (let page = 0; page < 20; page += 1) {
        const ids = (await cache.read('7', before, 25)) ?? [];
        if (ids.length === 0) break;
        seen.push(...ids);
        before = ids.at(-1);
      }
      expect(seen).toEqual([...many].reverse());
    });

    it('when tweets are merged into an entry, then they join it once, in id order, and the newest MAX_HOME_ITEMS stay; an absent entry stays absent', async () => {
      expect(await cache.merge('8', [id(2)])).toEqual({ state: 'absent' });
      expect(await cache.read('8', undefined, 10)).toBeUndefined();
      await cache.rebuild('8', async () => [id(5), id(1)]);
      expect(await cache.merge('8', [id(3), id(2), id(4)])).toEqual({ state: 'within' });
      await cache.merge('8', [id(3)]);
      await cache.merge('8', []);
      expect(await cache.read('8', undefined, 10)).toEqual([id(5), id(4), id(3), id(2), id(1)]);
      const newer = Array.from({ length: MAX_HOME_ITEMS }, (_, i) => id(100 + i));
      expect(await cache.merge('8', newer)).toEqual({ state: 'full', oldestKept: id(100) });
      expect(await cache.read('8', undefined, MAX_HOME_ITEMS + 10)).toEqual([...newer].reverse());
    });

    it('when tweets pass the depth, then the entry keeps the newest and says the oldest it kept', async () => {
      await cache.rebuild('5', async () => Array.from({ length: MAX_HOME_ITEMS }, (_, i) => id(MAX_HOME_ITEMS - i)));
      expect(await cache.add(['5'], id(MAX_HOME_ITEMS + 1))).toEqual(new Map([['5', { state: 'full', oldestKept: id(2) }]]));
      const read = await cache.read('5', undefined, MAX_HOME_ITEMS + 10);
      expect(read).toHaveLength(MAX_HOME_ITEMS);
      expect([read?.[0], read?.at(-1)]).toEqual([id(MAX_HOME_ITEMS + 1), id(2)]);
    });

    it('when a chunk holds more readers than one write takes, then each reader gets the answer for its own entry', async () => {
      // 250 readers: past an adapter's keys per call (Redis: 100), in three states spread over every call.
      const readers = Array.from({ length: 250 }, (_, i) => String(10_000 + i));
      const full = new Set(['10000', '10149', '10249']);
      const stateOf = (reader: string, i: number) => (full.has(reader) ? 'full' : i % 2 === 0 ? 'within' : 'absent');
      for (const [i, reader] of readers.entries()) {
        if (stateOf(reader, i) === 'full') await cache.rebuild(reader, async () => Array.from({ length: MAX_HOME_ITEMS }, (_, k) => id(MAX_HOME_ITEMS - k)));
        else if (stateOf(reader, i) === 'within') await cache.rebuild(reader, async () => [id(1)]);
      }
      const depths = await cache.add(readers, id(MAX_HOME_ITEMS + 1));
      expect([...depths.keys()]).toEqual(readers);
      for (const [i, reader] of readers.entries()) {
        const expected = { full: { state: 'full', oldestKept: id(2) }, within: { state: 'within' }, absent: { state: 'absent' } }[stateOf(reader, i)];
        expect({ reader, depth: depths.get(reader) }).toEqual({ reader, depth: expected });
        expect({ reader, newest: (await cache.read(reader, undefined, 1))?.[0] }).toEqual({ reader, newest: stateOf(reader, i) === 'absent' ? undefined : id(MAX_HOME_ITEMS + 1) });
      }
    });
  });
}
