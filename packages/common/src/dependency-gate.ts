/**
 * A circuit breaker for work that fails because a store or downstream is unavailable.
 * Closed: everyone runs. A transient failure opens it: nobody runs until the backoff has
 * passed, then one caller (the probe) runs alone. The probe succeeding (or failing for any
 * other reason: the dependency answered) closes it and everyone runs again; the probe failing
 * the same way opens it again with a longer backoff, capped, so recovery is noticed within
 * `maxDelayMs` of the dependency coming back however long it was away.
 */
export interface DependencyGate {
  readonly state: 'closed' | 'open' | 'probing';
  /** Resolves when the caller may run: at once when closed, else as the probe or once closed. Rejects when `signal` aborts. */
  pass(signal?: AbortSignal): Promise<void>;
  /** Resolves when the gate is closed (the poller waits here: no new work while the dependency is down). */
  whenClosed(signal?: AbortSignal): Promise<void>;
  /** The dependency answered: close. */
  succeeded(): void;
  /** The dependency is unavailable: open (or reopen after a failed probe, with a longer backoff). */
  failed(): void;
}

export interface DependencyGateOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  onChange?: (state: 'closed' | 'open', detail: { attempts: number; retryInMs: number }) => void;
}

export function createDependencyGate(options: DependencyGateOptions = {}): DependencyGate {
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  let state: DependencyGate['state'] = 'closed';
  let attempts = 0;
  let retryAt = 0;
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  /** Waits until the state changes, `timeoutMs` passes, or the signal aborts (rejects). */
  const changed = (signal?: AbortSignal, timeoutMs?: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timeout = timeoutMs === undefined ? undefined : setTimeout(() => done(), Math.max(1, timeoutMs));
      const done = () => {
        clearTimeout(timeout);
        waiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        clearTimeout(timeout);
        waiters.delete(done);
        reject(signal?.reason as Error);
      };
      waiters.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });

  const open = () => {
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
    state = 'open';
    retryAt = Date.now() + delay;
    options.onChange?.('open', { attempts, retryInMs: delay });
  };

  return {
    get state() {
      return state;
    },
    async pass(signal) {
      for (;;) {
        signal?.throwIfAborted();
        if (state === 'closed') return;
        if (state === 'open' && Date.now() >= retryAt) {
          state = 'probing';
          return;
        }
        // Open: wait out the backoff (each waiter its own timer, so none can miss the end of it).
        await changed(signal, state === 'open' ? retryAt - Date.now() : undefined);
      }
    },
    async whenClosed(signal) {
      while (state !== 'closed') await changed(signal);
    },
    succeeded() {
      if (state === 'closed') return;
      state = 'closed';
      const failedAttempts = attempts;
      attempts = 0;
      options.onChange?.('closed', { attempts: failedAttempts, retryInMs: 0 });
      wakeAll();
    },
    failed() {
      // Several runs failing together while closed are one outage, not several failed probes.
      if (state === 'open') return;
      attempts += 1;
      open();
      wakeAll();
    },
  };
}
