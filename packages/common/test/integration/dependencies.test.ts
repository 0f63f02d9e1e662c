import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { cassandraClient, stackEnv } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { cassandraDependency, postgresDependency, readinessOf, redisDependency } from '../../src/dependencies.ts';

/** A port on loopback that accepts and at once drops every connection, like a crashing server. */
async function aDroppingPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe('service dependencies', () => {
  it('when the real servers answer, then each check passes under its name and each closes', async () => {
    const dependencies = [
      postgresDependency(new pg.Pool({ connectionString: stackEnv().DATABASE_URL, max: 1 })),
      redisDependency(new Redis(stackEnv().REDIS_URL)),
      cassandraDependency(cassandraClient()),
    ];
    const checks = readinessOf(dependencies);
    expect(Object.keys(checks)).toEqual(['postgres', 'redis', 'cassandra']);
    for (const check of Object.values(checks)) await expect(check()).resolves.toBeDefined();
    for (const dependency of dependencies) await dependency.close();
  });

  it('when a watched redis keeps failing, then the error reaches the log naming the dependency, and the check fails', async () => {
    const broken = await aDroppingPort();
    const lines: Array<{ dependency?: string; msg?: string }> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as { dependency?: string; msg?: string }) });
    const redis = new Redis({ port: broken.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    const dependency = redisDependency(redis);
    dependency.watch?.(log);
    await expect(dependency.check()).rejects.toThrow();
    expect(lines.some((line) => line.dependency === 'redis' && /check REDIS_URL/.test(line.msg ?? ''))).toBe(true);
    redis.disconnect();
    broken.close();
  });
});
