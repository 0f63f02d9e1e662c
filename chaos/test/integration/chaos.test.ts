// The short chaos run CI makes (make chaos runs the full one): a small posting workload while
// the tweet and timeline services, Redis and the SNS/SQS emulator are each killed -9 and
// restarted. Postgres, Redis and the emulator are private to this file (ports 26400 and up);
// Cassandra is the shared one (never killed), with a keyspace of its own.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/checker.ts';
import { runChaos } from '../../src/run-chaos.ts';

describe('chaos, short', () => {
  it('when services, Redis and the emulator are killed under a posting workload with retries, then nothing acknowledged is lost, duplicated or missing, and counts agree', async () => {
    const result = await runChaos({
      faults: ['tweet', 'sqs', 'timeline', 'redis'],
      users: 12,
      follows: 4,
      ratePerSecond: 5,
      seconds: 48,
      downSeconds: 3,
      convergeTimeoutSeconds: 90,
      privateServers: ['postgres', 'redis', 'sqs'],
      portBase: 26400,
      log: () => undefined,
    });
    const figures = summarize(result.report);

    expect(result.faults.map((fault) => fault.component), figures).toEqual(['tweet', 'sqs', 'timeline', 'redis']);
    expect(result.report.acked, figures).toBeGreaterThan(100);
    expect(result.report.lost, figures).toEqual([]);
    expect(result.report.duplicated, figures).toEqual([]);
    expect(result.report.missingFromFollowers, figures).toEqual([]);
    expect(result.report.missingFromAuthorHome, figures).toEqual([]);
    expect(result.report.countDrift, figures).toEqual([]);
    expect(result.convergedAfterSeconds, figures).toBeDefined();
  }, 600_000);
});
