import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_MIGRATIONS, runMigrations } from '../../src/pg-migrations.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function aMigrationDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chirp-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

describe('PostgreSQL', () => {
  it('when a row is written, then it reads back through the pg driver', async () => {
    await db.pool.query('CREATE TABLE round_trip (id bigint PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL)');
    const at = new Date('2026-05-06T07:08:09.123Z');
    await db.pool.query('INSERT INTO round_trip VALUES ($1, $2, $3)', ['9007199254740993', 'héllo ✓', at]);
    const { rows } = await db.pool.query<{ id: string; body: string; at: Date }>('SELECT id, body, at FROM round_trip');
    expect(rows).toEqual([{ id: '9007199254740993', body: 'héllo ✓', at }]);
  });

  it('when migrations run twice, and concurrently, then each file is applied once', async () => {
    const dir = await aMigrationDir({
      '001_things.sql': 'CREATE TABLE things (id int PRIMARY KEY);',
      '002_more.sql': 'ALTER TABLE things ADD COLUMN name text;',
      'README.md': 'not a migration',
    });
    const sources = [OUTBOX_MIGRATIONS, { name: 'svc', dir }];
    const [first, second] = await Promise.all([runMigrations(db.pool, sources), runMigrations(db.pool, sources)]);
    expect([...first, ...second].sort()).toEqual(['outbox/001_outbox.sql', 'outbox/002_outbox_trace_context.sql', 'svc/001_things.sql', 'svc/002_more.sql']);
    expect(await runMigrations(db.pool, sources)).toEqual([]);
    const { rows } = await db.pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'things' ORDER BY 1");
    expect(rows.map((r: { column_name: string }) => r.column_name)).toEqual(['id', 'name']);
  });

  it('when an applied migration file is edited, then the run stops naming it', async () => {
    const dir = await aMigrationDir({ '001_a.sql': 'CREATE TABLE edited_a (id int);' });
    await runMigrations(db.pool, [{ name: 'edit', dir }]);
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE edited_a (id bigint);');
    await expect(runMigrations(db.pool, [{ name: 'edit', dir }])).rejects.toThrow(/edit\/001_a.sql changed after it was applied/);
  });

  it('when a migration fails, then it is rolled back and not recorded', async () => {
    const dir = await aMigrationDir({ '001_bad.sql': 'CREATE TABLE half_done (id int); SELECT no_such_function();' });
    await expect(runMigrations(db.pool, [{ name: 'bad', dir }])).rejects.toThrow(/bad\/001_bad.sql failed/);
    const { rows } = await db.pool.query("SELECT to_regclass('half_done') AS t, (SELECT count(*) FROM schema_migrations WHERE source = 'bad') AS n");
    expect(rows[0]).toEqual({ t: null, n: '0' });
  });
});
