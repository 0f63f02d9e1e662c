// Ids for the contract suites: run against a shared keyspace, each test needs ids no other has used.

let serial = 0n;
/** Snowflake-sized ids, rising, unique across the suite. */
export const nextId = () => String(380_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 10_000n + (serial += 1n));
