import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../../src/dependencies.ts';
import { statementName } from '../../src/pg-prepared.ts';

let db: TestDatabase;
let pool: Pool | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await pool?.end();
  pool = undefined;
});
afterAll(async () => {
  await db.drop();
});

/** A pool of one connection, so what one statement prepared is visible to the next. */
function onePool(prepared?: boolean): Pool {
  pool = createPostgresPool({
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: 1,
    DATABASE_CONNECT_TIMEOUT_MS: 5000,
    DATABASE_STATEMENT_TIMEOUT_MS: 5000,
    ...(prepared === undefined ? {} : { DATABASE_PREPARED_STATEMENTS: prepared }),
  });
  return pool;
}

const preparedOnConnection = async (p: Pool) =>
  (await p.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name')).rows;

describe('prepared statements on the service pools', () => {
  it('when a statement with parameters runs twice, then the connection prepared it once, under the name of its text, and both answers are right', async () => {
    const p = onePool();
    const text = 'SELECT $1::int + 1 AS n';
    expect((await p.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect((await p.query({ text, values: [41] })).rows).toEqual([{ n: 42 }]);
    expect(await preparedOnConnection(p)).toEqual([{ name: statementName(text), statement: text }]);
  });

  it('when a statement has no parameters, then it keeps the simple protocol: several statements in one text still run', async () => {
    const p = onePool();
    await p.query('CREATE TABLE simple_protocol (id int); INSERT INTO simple_protocol VALUES (7);');
    expect((await p.query('SELECT id FROM simple_protocol')).rows).toEqual([{ id: 7 }]);
    expect(await preparedOnConnection(p)).toEqual([]);
  });

  it('when a statement already has a name, then that name is kept', async () => {
    const p = onePool();
    await p.query({ name: 'chosen_by_caller', text: 'SELECT $1::text AS s', values: ['x'] });
    expect((await preparedOnConnection(p)).map((row) => row.name)).toEqual(['chosen_by_caller']);
  });

  it('when DATABASE_PREPARED_STATEMENTS is false (a transaction-mode pooler), then nothing is prepared', async () => {
    const p = onePool(false);
    expect((await p.query('SELECT $1::int * 2 AS n', [21])).rows).toEqual([{ n: 42 }]);
    expect(await preparedOnConnection(p)).toEqual([]);
  });

  it('when two texts differ, then their names differ; the name is a digest of the text, the same in every process', () => {
    expect(statementName('SELECT $1::int')).not.toBe(statementName('SELECT $1::bigint'));
    expect(statementName('SELECT $1::int')).toBe(`chirp_${createHash('sha1').update('SELECT $1::int').digest('hex').slice(0, 24)}`);
  });
});
