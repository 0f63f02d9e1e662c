import type cassandra from 'cassandra-driver';
import { createTestKeyspace, type TestKeyspace } from '@chirp/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await createTestKeyspace();
});
afterAll(async () => {
  await ks.drop();
});

describe('Cassandra', () => {
  it('when the server is asked its version, then it is Cassandra 5.0', async () => {
    const result = await ks.client.execute('SELECT release_version FROM system.local');
    expect(String(result.first().get('release_version'))).toMatch(/^5\.0\./);
  });

  it('when rows are inserted into a reader-partitioned table, then they read back clustered by id descending', async () => {
    await ks.client.execute(`CREATE TABLE home (reader bigint, tweet_id bigint, author bigint, PRIMARY KEY (reader, tweet_id))
      WITH CLUSTERING ORDER BY (tweet_id DESC)`);
    const insert = 'INSERT INTO home (reader, tweet_id, author) VALUES (?, ?, ?)';
    const ids = ['7300000000000000001', '7300000000000000003', '7300000000000000002'];
    for (const id of ids) await ks.client.execute(insert, ['42', id, '7'], { prepare: true });
    // The same write again is an upsert, not a second row.
    await ks.client.execute(insert, ['42', ids[0], '7'], { prepare: true });
    const result = await ks.client.execute('SELECT tweet_id FROM home WHERE reader = ? LIMIT 10', ['42'], { prepare: true });
    expect(result.rows.map((row) => (row.get('tweet_id') as cassandra.types.Long).toString())).toEqual([
      '7300000000000000003',
      '7300000000000000002',
      '7300000000000000001',
    ]);
  });
});
