// One suite for the set of authors merged on read: the in-memory fake (unit) and Cassandra (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import type { HighFollowerAuthors } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

export function highFollowerAuthorsContract(name: string, make: () => Promise<HighFollowerAuthors>): void {
  describe(`HighFollowerAuthors contract: ${name}`, () => {
    let authors: HighFollowerAuthors;
    beforeEach(async () => {
      authors = await make();
    });

    it('when an author is added, then has, all and among name it; an author never added is named by none', async () => {
      const [added, other] = [nextId(), nextId()];
      await authors.add(added);
      expect([await authors.has(added), await authors.has(other)]).toEqual([true, false]);
      expect(await authors.all()).toContain(added);
      expect(await authors.all()).not.toContain(other);
      expect(await authors.among([other, added])).toEqual([added]);
    });

    it('when an author is added twice, then all names it once', async () => {
      const author = nextId();
      await authors.add(author);
      await authors.add(author);
      expect((await authors.all()).filter((id) => id === author)).toEqual([author]);
    });

    it('when asked among several, then the merged ones come back in the order asked', async () => {
      const [a, b, c] = [nextId(), nextId(), nextId()];
      await authors.add(a);
      await authors.add(c);
      expect(await authors.among([c, b, a])).toEqual([c, a]);
      expect(await authors.among([])).toEqual([]);
    });
  });
}
