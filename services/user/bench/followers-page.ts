// Followers page 1 versus page 500 of an account with a million followers.
//   node services/user/bench/followers-page.ts [--followers N] [--rounds R] [--keep]
// Seeds a fresh database straight through SQL (the public API would take hours), then
// times both pages through the HTTP app with the real Postgres store, interleaved, and
// prints medians and their ratio. Needs DATABASE_URL (the local stack's .stack/env).
import { runMigrations } from '@chirp/common/pg-migrations';
import { encodeCursor } from '@chirp/kernel/pagination';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { USER_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createPgUserStore, followListSql } from '../src/infrastructure/pg-user-store.ts';
import { systemClock } from '@chirp/kernel/clock';
import { makeUserUseCases } from '../src/use-cases/user-use-cases.ts';

const { values } = parseArgs({
  options: { followers: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '300' }, keep: { type: 'boolean', default: false } },
});
const followers = Number(values.followers);
const rounds = Number(values.rounds);
const PAGE = 20;
const DEEP_PAGE = 500;
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL is not set; source .stack/env after `scripts/stack.sh up postgres`');

const dbName = `chirp_bench_followers_${followers}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1;
if (!exists) await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
await runMigrations(pool, USER_MIGRATIONS);

const STAR = '1';
const seeded = await pool.query<{ followers_count: string }>('SELECT followers_count FROM users WHERE id = $1', [STAR]);
if (seeded.rows[0]?.followers_count !== String(followers)) {
  const started = performance.now();
  process.stdout.write(`seeding ${followers.toLocaleString('en')} followers of one account... `);
  await pool.query('TRUNCATE users, follows CASCADE');
  await pool.query(`INSERT INTO users (id, handle, display_name, password_hash, created_at, updated_at) VALUES ($1, 'star', 'Star', 'x', now(), now())`, [STAR]);
  await pool.query(
    `INSERT INTO users (id, handle, display_name, password_hash, created_at, updated_at, following_count)
     SELECT 1000 + g, 'fan_' || g, 'Fan ' || g, 'x', now(), now(), 1 FROM generate_series(1, $1::int) AS g`,
    [followers],
  );
  await pool.query(
    `INSERT INTO follows (follower_id, followee_id, sequence, created_at)
     SELECT 1000 + g, $2, nextval('follow_changes'), now() FROM generate_series(1, $1::int) AS g`,
    [followers, STAR],
  );
  await pool.query('UPDATE users SET followers_count = $2 WHERE id = $1', [STAR, followers]);
  await pool.query('VACUUM ANALYZE users');
  await pool.query('VACUUM ANALYZE follows');
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// The cursor a client holds after reading pages 1..499: the sequence of the last follower on page 499.
const { rows } = await pool.query<{ sequence: string }>(
  'SELECT sequence FROM follows WHERE followee_id = $1 ORDER BY sequence DESC OFFSET $2 LIMIT 1',
  [STAR, (DEEP_PAGE - 1) * PAGE - 1],
);
const deepCursor = encodeCursor([rows[0]!.sequence]);

const useCases = makeUserUseCases({
  users: createPgUserStore(pool),
  clock: systemClock,
  // Reads only: the write-side ports are never called by this benchmark.
  hasher: undefined as never,
  issuer: undefined as never,
  secrets: undefined as never,
  revocations: undefined as never,
  ids: undefined as never,
  lifetimes: { refreshTokenTtlSeconds: 3600, sessionMaxAgeSeconds: 3600 },
});
const app = buildApp({ config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 }, readiness: { postgres: () => pool.query('SELECT 1') }, useCases, jwks: () => ({ keys: [] }) });

const pages = { 'page 1': `/v1/users/by-handle/star/followers?limit=${PAGE}`, [`page ${DEEP_PAGE}`]: `/v1/users/by-handle/star/followers?limit=${PAGE}&cursor=${deepCursor}` };
const timings: Record<string, number[]> = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
for (let round = -20; round < rounds; round += 1) {
  for (const [name, path] of Object.entries(pages)) {
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: path });
    const elapsed = performance.now() - started;
    if (response.statusCode !== 200 || response.json<{ data: unknown[] }>().data.length !== PAGE) throw new Error(`${name} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    if (round >= 0) timings[name]!.push(elapsed); // the first 20 rounds warm caches and the JIT
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
console.log(`\nfollowers of an account with ${followers.toLocaleString('en')} followers, ${PAGE} per page, ${rounds} rounds (HTTP app + Postgres, in process)`);
for (const [name, values] of Object.entries(timings)) {
  console.log(`  ${name.padEnd(9)} median ${quantile(values, 0.5).toFixed(2)} ms   p90 ${quantile(values, 0.9).toFixed(2)} ms`);
}
const ratio = quantile(timings[`page ${DEEP_PAGE}`]!, 0.5) / quantile(timings['page 1']!, 0.5);
console.log(`  page ${DEEP_PAGE} / page 1 median ratio: ${ratio.toFixed(2)}`);

// The very statement the store runs for a followers page.
const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${followListSql('followee_id', 'follower_id')}`, [
  STAR,
  rows[0]!.sequence,
  PAGE + 1,
]);
console.log(`\nplan of the page ${DEEP_PAGE} query:\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);

await app.close();
await pool.end();
if (!values.keep) {
  const dropper = new pg.Client({ connectionString: adminUrl });
  await dropper.connect();
  await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await dropper.end();
}
