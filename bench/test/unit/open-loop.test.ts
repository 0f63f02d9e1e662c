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
    // 100 answers over the measured 0.5 s, stretched by at most the latest send (a loaded machine
    // runs timers late, and the generator records by how much).
    expect(result.achievedRate).toBeGreaterThan(100 / (0.5 + (result.sendLagMs.max + 5) / 1000));
    expect(result.achievedRate).toBeLessThanOrEqual(200);
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

  it('when the generator itself is held up, then the requests it sends late count the delay', async () => {
    // The event loop is blocked for 150 ms at the start: a latency measured from the send would miss it.
    let first = true;
    const result = await runOpenLoop({
      rate: 100,
      durationMs: 400,
      warmupMs: 0,
      next: () => ({
        op: 'get',
        send: async () => {
          if (first) {
            first = false;
            const until = performance.now() + 150;
            while (performance.now() < until);
          }
          return { ok: true, status: 200 };
        },
      }),
    });
    expect(result.ops.get!.latencyMs.max).toBeGreaterThanOrEqual(130);
    expect(result.sendLagMs.max).toBeGreaterThanOrEqual(130);
  });

  it('when answers trail the schedule, then the achieved rate is counted over the time they took', async () => {
    // Every answer takes 500 ms: 50 requests due over 500 ms are answered over about 1 s.
    const result = await runOpenLoop({ rate: 100, durationMs: 500, warmupMs: 0, next: () => ({ op: 'get', send: async () => (await sleep(500), { ok: true, status: 200 }) }) });
    expect(result.achievedRate).toBeGreaterThan(40);
    expect(result.achievedRate).toBeLessThan(60);
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
