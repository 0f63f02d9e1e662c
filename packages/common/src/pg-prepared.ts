import { createHash } from 'node:crypto';
import pg from 'pg';

const names = new Map<string, string>();

/** A statement's name: a digest of its text, so the same text has the same name on every connection and in every process. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `chirp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A pg client that runs every statement with parameters as a named prepared statement: Postgres
 * parses and plans it once per connection and then only binds and executes it, where an
 * unnamed statement is parsed and planned again on every call. On a like lookup that halved the
 * server's CPU per statement, 175 to 85 µs (docs/performance.md).
 *
 * Only statements with a values array are named: the texts in Chirp's code are constants, so
 * each connection prepares a bounded set. Statements without parameters (BEGIN, COMMIT, a
 * migration file of several statements) keep the simple protocol. Adding a column leaves
 * prepared statements valid (every SELECT names its columns); dropping or retyping one that a
 * running version reads fails its statements until it restarts, as it would fail anyway. Behind
 * a pooler in transaction mode (PgBouncer), where a statement prepared on one server connection
 * is not there on the next, set DATABASE_PREPARED_STATEMENTS=false.
 */
export class PreparingClient extends pg.Client {}

// Called below with the client as `this`, which is what the rule guards.
// eslint-disable-next-line @typescript-eslint/unbound-method
const parentQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;

// Assigned rather than declared with `override`: pg types `query` with a dozen overloads, and the
// class keeps exactly pg.Client's type so that a pool accepts it.
(PreparingClient.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown }).query = function query(this: pg.Client, ...args: unknown[]) {
  const [config, values] = args;
  if (typeof config === 'string' && Array.isArray(values)) return parentQuery.call(this, { name: statementName(config), text: config, values }, ...args.slice(2));
  if (isUnnamedConfig(config) && (Array.isArray(config.values) || Array.isArray(values))) return parentQuery.call(this, { ...config, name: statementName(config.text) }, ...args.slice(1));
  return parentQuery.apply(this, args);
};

function isUnnamedConfig(config: unknown): config is { text: string; name?: undefined; values?: unknown[] } {
  return typeof config === 'object' && config !== null && typeof (config as { text?: unknown }).text === 'string' && (config as { name?: unknown }).name === undefined && !('submit' in config);
}
