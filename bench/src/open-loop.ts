// An open-loop load generator: requests are sent on a fixed schedule whatever the answers do,
// and each latency is measured from when the request was due, not from when it left. So a slow
// answer cannot hold the next requests back and hide the queueing behind it (coordinated
// omission, in wrk2's terms).
import { type LatencySummary, summarize } from './stats.ts';

/** One request of the workload: its operation name and how to send it; resolves to whether it succeeded and how. */
export interface Request {
  op: string;
  send(): Promise<{ ok: boolean; status: number }>;
}

export interface OpResult {
  /** Successful answers per second, over the time the measured requests took to be answered. */
  throughput: number;
  latencyMs: LatencySummary;
  errors: number;
  /** Errors by HTTP status, or `network` / `backlog`. */
  errorsBy: Record<string, number>;
}

export interface LoadResult {
  offeredRate: number;
  measuredSeconds: number;
  /**
   * Requests answered (ok or not) per second, from the first measured request being due to the
   * last answer: at saturation answers trail the schedule, and this shows the rate they came at.
   */
  achievedRate: number;
  total: OpResult;
  ops: Record<string, OpResult>;
  /** How late the generator sent requests (ms behind schedule): a busy generator shows here. */
  sendLagMs: LatencySummary;
}

export interface OpenLoopOptions {
  rate: number;
  durationMs: number;
  /** Sent but not recorded: lets caches, pools and JITs warm up at the rate. */
  warmupMs: number;
  next: () => Request;
  /** Beyond this many in flight, requests are counted as `backlog` errors instead of being sent. */
  maxInFlight?: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const { rate, durationMs, warmupMs } = options;
  const maxInFlight = options.maxInFlight ?? 20_000;
  const intervalMs = 1000 / rate;
  const total = Math.floor(((warmupMs + durationMs) * rate) / 1000);
  const firstMeasured = Math.floor((warmupMs * rate) / 1000);
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, Record<string, number>>();
  const sendLag: number[] = [];
  const pending = new Set<Promise<void>>();
  let answered = 0;
  let lastAnswerAt = 0;

  const record = (op: string, index: number, outcome: { ok: true; ms: number } | { ok: false; why: string }) => {
    if (index < firstMeasured) return;
    if (outcome.ok || outcome.why !== 'backlog') {
      answered++;
      lastAnswerAt = Math.max(lastAnswerAt, performance.now());
    }
    if (outcome.ok) {
      let list = latencies.get(op);
      if (!list) latencies.set(op, (list = []));
      list.push(outcome.ms);
      return;
    }
    let byWhy = errors.get(op);
    if (!byWhy) errors.set(op, (byWhy = {}));
    byWhy[outcome.why] = (byWhy[outcome.why] ?? 0) + 1;
  };

  const issue = (index: number, dueAt: number) => {
    const request = options.next();
    if (pending.size >= maxInFlight) {
      record(request.op, index, { ok: false, why: 'backlog' });
      return;
    }
    if (index >= firstMeasured) sendLag.push(performance.now() - dueAt);
    const done = request.send().then(
      (answer) => record(request.op, index, answer.ok ? { ok: true, ms: performance.now() - dueAt } : { ok: false, why: String(answer.status) }),
      () => record(request.op, index, { ok: false, why: 'network' }),
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const start = performance.now();
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      while (issued < due) {
        issue(issued, start + issued * intervalMs);
        issued++;
      }
      if (issued >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + issued * intervalMs - performance.now())));
    };
    tick();
  });
  await Promise.all(pending);

  const measuredSeconds = durationMs / 1000;
  const firstMeasuredDue = start + firstMeasured * intervalMs;
  const answeredSeconds = Math.max(measuredSeconds, (lastAnswerAt - firstMeasuredDue) / 1000);
  const ops: Record<string, OpResult> = {};
  const names = new Set([...latencies.keys(), ...errors.keys()]);
  for (const op of [...names].sort()) ops[op] = opResult(latencies.get(op) ?? [], errors.get(op) ?? {}, answeredSeconds);
  const all = [...latencies.values()].flat();
  const allErrors: Record<string, number> = {};
  for (const byWhy of errors.values()) for (const [why, count] of Object.entries(byWhy)) allErrors[why] = (allErrors[why] ?? 0) + count;
  return {
    offeredRate: rate,
    measuredSeconds,
    achievedRate: answered / answeredSeconds,
    total: opResult(all, allErrors, answeredSeconds),
    ops,
    sendLagMs: summarize(sendLag),
  };
}

function opResult(latencies: number[], errorsBy: Record<string, number>, seconds: number): OpResult {
  const errors = Object.values(errorsBy).reduce((sum, n) => sum + n, 0);
  return { throughput: latencies.length / seconds, latencyMs: summarize(latencies), errors, errorsBy };
}
