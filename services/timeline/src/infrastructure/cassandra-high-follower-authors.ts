import type cassandra from 'cassandra-driver';
import { type Client } from 'cassandra-driver';
import type { HighFollowerAuthors } from '../use-cases/ports.ts';
import { idOf, prepared } from './cassandra-rows.ts';

/**
 * The high-follower authors, from one small partition, held in memory and re-read every
 * `refreshMs` (so every process sees an author marked by another within that time).
 */
export function createCassandraHighFollowerAuthors(client: Client, options: { refreshMs: number }): HighFollowerAuthors {
  let known = new Set<string>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  const current = async () => {
    if (performance.now() - loadedAt > options.refreshMs) {
      loading ??= client
        .execute('SELECT author_id FROM high_follower_authors WHERE shard = 0', [], { ...prepared, fetchSize: 10_000 })
        .then(async (result) => {
          const next = new Set<string>();
          for await (const row of result) next.add(idOf(row.get('author_id') as cassandra.types.Long));
          known = next;
          loadedAt = performance.now();
        })
        .finally(() => {
          loading = undefined;
        });
      await loading;
    }
    return known;
  };
  return {
    has: async (authorId) => (await current()).has(authorId),
    all: async () => [...(await current())],
    among: async (authorIds) => {
      const set = await current();
      return authorIds.filter((id) => set.has(id));
    },
    async add(authorId) {
      await client.execute('INSERT INTO high_follower_authors (shard, author_id) VALUES (0, ?)', [authorId], prepared);
      known.add(authorId);
    },
  };
}
