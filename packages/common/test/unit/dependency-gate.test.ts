import { describe, expect, it } from 'vitest';
import { createDependencyGate } from '../../src/dependency-gate.ts';

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('dependency gate', () => {
  it('when closed, then everyone passes at once', async () => {
    const gate = createDependencyGate();
    expect(await settledWithin(Promise.all([gate.pass(), gate.pass(), gate.whenClosed()]), 20)).toBe(true);
  });

  it('when a run fails, then nobody passes until the backoff ends, then exactly one probes while the rest wait', async () => {
    const gate = createDependencyGate({ baseDelayMs: 100, maxDelayMs: 1000 });
    gate.failed();
    expect(gate.state).toBe('open');
    const first = gate.pass();
    const second = gate.pass();
    expect(await settledWithin(first, 50)).toBe(false);
    expect(await settledWithin(Promise.race([first, second]), 200)).toBe(true);
    expect(gate.state).toBe('probing');
    // Only one of the two became the probe.
    expect(await settledWithin(Promise.all([first, second]), 50)).toBe(false);
    gate.succeeded();
    expect(await settledWithin(Promise.all([first, second, gate.whenClosed()]), 20)).toBe(true);
  });

  it('when probes keep failing, then the backoff doubles up to the cap, and several failures while open count once', async () => {
    const changes: number[] = [];
    const gate = createDependencyGate({ baseDelayMs: 10, maxDelayMs: 40, onChange: (state, { retryInMs }) => state === 'open' && changes.push(retryInMs) });
    gate.failed();
    gate.failed();
    for (let probe = 0; probe < 4; probe += 1) {
      await gate.pass();
      gate.failed();
    }
    expect(changes).toEqual([10, 20, 40, 40, 40]);
  });

  it('when the waiter aborts, then pass rejects', async () => {
    const gate = createDependencyGate({ baseDelayMs: 10_000 });
    gate.failed();
    const controller = new AbortController();
    const waiting = gate.pass(controller.signal);
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
  });
});
