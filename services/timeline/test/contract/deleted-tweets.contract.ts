// One suite for deletion markers: the in-memory fake (unit) and Cassandra (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeletedTweets } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

export function deletedTweetsContract(name: string, make: () => Promise<DeletedTweets>): void {
  describe(`DeletedTweets contract: ${name}`, () => {
    let deleted: DeletedTweets;
    beforeEach(async () => {
      deleted = await make();
    });

    it('when a tweet is marked deleted, then it stays so; others are not', async () => {
      const [gone, kept] = [nextId(), nextId()];
      await deleted.mark(gone);
      await deleted.mark(gone);
      expect([await deleted.has(gone), await deleted.has(kept)]).toEqual([true, false]);
    });

    it('when asked about a batch, then only the marked ones come back, each once', async () => {
      const [gone, alsoGone, kept] = [nextId(), nextId(), nextId()];
      await deleted.mark(gone);
      await deleted.mark(alsoGone);
      expect(await deleted.among([kept, gone, alsoGone, gone])).toEqual(new Set([gone, alsoGone]));
      expect(await deleted.among([])).toEqual(new Set());
    });
  });
}
