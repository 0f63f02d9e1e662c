import { describe, expect, it } from 'vitest';
import { runOpenLoop } from '../../src/open-loop.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the open-loop generator', () => {
  it('when run at a rate for a duration, then it sends rate × (warm-up + duration) requests and records only the measured ones', async () => {
    let sent = 0;
    const result = await runOpenLoop({
      rate: 200,
      durationMs: 500,
      warmupMs: 250,
      next: () => ({ op: 'get', send: async () => (sent++, { ok: true, status: 200 }) }),
    });
    expect(sent).toBe(150);
    expect(result.ops.get!.latencyMs.count).toBe(100);
    expect(result.achievedRate).toBeCloseTo(200, 5);
  });

  it('when the server stalls, then requests due during the stall count the wait (no coordinated omission)', async () => {
    // Nothing is answered until 300 ms in; a closed loop would record one slow request, an open loop records them all.
    const start = performance.now();
    const result = await runOpenLoop({
      rate: 100,
      durationMs: 500,
      warmupMs: 0,
      next: () => ({
        op: 'get',
        send: async () => {
          const stallLeft = 300 - (performance.now() - start);
          if (stallLeft > 0) await sleep(stallLeft);
          return { ok: true, status: 200 };
        },
      }),
    });
    const { p50, max, count } = result.ops.get!.latencyMs;
    expect(count).toBe(50);
    expect(max).toBeGreaterThanOrEqual(280);
    // About 30 of the 50 were due during the stall, waiting 0–300 ms: the median waited.
    expect(p50).toBeGreaterThan(10);
  });

  it('when requests fail, then they are errors by status and not in the latencies', async () => {
    let n = 0;
    const result = await runOpenLoop({
      rate: 100,
      durationMs: 300,
      warmupMs: 0,
      next: () => {
        const i = n++;
        return {
          op: i % 3 === 0 ? 'post' : 'read',
          send: async () => {
            if (i % 3 === 0) return { ok: false, status: 503 };
            if (i % 10 === 1) throw new Error('socket hang up');
            return { ok: true, status: 200 };
          },
        };
      },
    });
    expect(result.ops.post!.errors).toBe(10);
    expect(result.ops.post!.errorsBy).toEqual({ '503': 10 });
    expect(result.ops.post!.latencyMs.count).toBe(0);
    expect(result.ops.read!.errorsBy).toEqual({ network: 2 });
    expect(result.total.errors).toBe(12);
    expect(result.total.latencyMs.count).toBe(18);
  });

  it('when more than maxInFlight are waiting, then the rest are backlog errors, not sent', async () => {
    let sent = 0;
    const result = await runOpenLoop({
      rate: 100,
      durationMs: 200,
      warmupMs: 0,
      maxInFlight: 5,
      next: () => ({ op: 'get', send: async () => (sent++, await sleep(400), { ok: true, status: 200 }) }),
    });
    expect(sent).toBe(5);
    expect(result.ops.get!.errorsBy).toEqual({ backlog: 15 });
  });
});
