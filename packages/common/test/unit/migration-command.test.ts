import { afterEach, expect, it } from 'vitest';
import { runMigrationCommand } from '../../src/pg-migrations.ts';

afterEach(() => {
  process.exitCode = undefined;
});

it.each([
  ['DATABASE_URL is not set', { LOG_LEVEL: 'silent' }],
  ['DATABASE_URL is no URL', { DATABASE_URL: 'localhost:5432/chirp', LOG_LEVEL: 'silent' }],
  ['LOG_LEVEL is no level', { DATABASE_URL: 'postgres://127.0.0.1:1/chirp', LOG_LEVEL: 'loud' }],
])('when %s, then the migrate command stops with exit code 2 before connecting', async (_case, env) => {
  await runMigrationCommand('test', [], env);
  expect(process.exitCode).toBe(2);
});
