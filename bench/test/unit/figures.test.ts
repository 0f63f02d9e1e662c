import { describe, expect, it } from 'vitest';
import { type CostRun, variantRatios } from '../../src/cost.ts';
import { histogram, histogramDelta, histogramQuantile, sampleSum } from '../../src/metrics-scrape.ts';
import { pendingEvents } from '../../src/seed.ts';
import { eventLoopDelayIn, pausesIn } from '../../src/stalls.ts';
import { percentile, summarize } from '../../src/stats.ts';

describe('percentiles', () => {
  it('when asked for p50, p99 and p99.9 of 1…1000, then nearest rank gives 500, 990 and 999', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const summary = summarize(samples);
    expect([summary.p50, summary.p90, summary.p99, summary.p999, summary.max]).toEqual([500, 900, 990, 999, 1000]);
    expect(summary.mean).toBe(500.5);
  });

  it('when there are no samples, then every figure is NaN, not 0', () => {
    expect(summarize([]).p99).toBeNaN();
    expect(percentile([], 0.5)).toBeNaN();
  });
});

const EXPOSITION = `# HELP chirp_timeline_fanout_lag_seconds lag
chirp_timeline_fanout_lag_seconds_bucket{le="0.1"} 10
chirp_timeline_fanout_lag_seconds_bucket{le="1"} 90
chirp_timeline_fanout_lag_seconds_bucket{le="+Inf"} 100
chirp_timeline_fanout_lag_seconds_sum 40
chirp_timeline_fanout_lag_seconds_count 100
chirp_timeline_queue_depth 3
chirp_timeline_events_total{type="tweet.created",outcome="handled"} 5
chirp_timeline_events_total{type="user.followed",outcome="handled"} 7
chirp_timeline_events_total_other 99
`;

describe('reading Prometheus figures', () => {
  it('when a counter has label sets, then the sum covers them all and no other metric', () => {
    expect(sampleSum(EXPOSITION, 'chirp_timeline_events_total')).toBe(12);
    expect(sampleSum(EXPOSITION, 'chirp_timeline_queue_depth')).toBe(3);
    expect(sampleSum(EXPOSITION, 'absent_metric')).toBe(0);
  });

  it('when a quantile falls in a bucket, then it is interpolated inside it, as histogram_quantile does', () => {
    const h = histogram(EXPOSITION, 'chirp_timeline_fanout_lag_seconds');
    expect(h.count).toBe(100);
    expect(histogramQuantile(h, 0.05)).toBeCloseTo(0.05);
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(0.1 + 0.9 * (40 / 80));
    // Past the last finite bucket, the answer is that bucket's bound.
    expect(histogramQuantile(h, 0.99)).toBe(1);
  });

  it('when a histogram has label sets (le first, as prom-client writes it), then their buckets are summed', () => {
    const text = [
      'lag_seconds_bucket{le="0.1",event="update"} 4',
      'lag_seconds_bucket{le="+Inf",event="update"} 5',
      'lag_seconds_bucket{event="notification",le="0.1"} 1',
      'lag_seconds_bucket{event="notification",le="+Inf"} 3',
      'lag_seconds_count{event="update"} 5',
    ].join('\n');
    const h = histogram(text, 'lag_seconds');
    expect(h.buckets).toEqual([{ le: 0.1, count: 5 }, { le: Infinity, count: 8 }]);
    expect(h.count).toBe(8);
  });

  it('when two scrapes are taken, then the delta holds only what was observed between them', () => {
    const before = histogram(EXPOSITION, 'chirp_timeline_fanout_lag_seconds');
    const after = histogram(EXPOSITION.replace('le="0.1"} 10', 'le="0.1"} 30').replace('le="1"} 90', 'le="1"} 110').replace('le="+Inf"} 100', 'le="+Inf"} 120'), 'chirp_timeline_fanout_lag_seconds');
    const delta = histogramDelta(before, after);
    expect(delta.count).toBe(20);
    expect(histogramQuantile(delta, 0.99)).toBeLessThanOrEqual(0.1);
    expect(histogramQuantile(histogramDelta(before, before), 0.5)).toBeNull();
  });
});

describe('events still to be consumed', () => {
  it('when outbox rows wait or a queue holds messages, then they count, and a dead-letter queue does not', () => {
    const text = [
      'chirp_outbox_pending_events 2',
      'chirp_sqs_messages{queue="chirp-timeline",state="visible"} 3',
      'chirp_sqs_messages{queue="chirp-timeline",state="in_flight"} 4',
      'chirp_sqs_messages{queue="chirp-timeline",state="delayed"} 0',
      'chirp_sqs_messages{queue="chirp-timeline-dlq",state="visible"} 50',
      'chirp_sqs_messages_other{queue="chirp-timeline",state="visible"} 70',
    ].join('\n');
    expect(pendingEvents(text)).toBe(9);
    expect(pendingEvents('chirp_sqs_messages{queue="chirp-user-dlq",state="visible"} 1\nchirp_outbox_pending_events 0')).toBe(0);
  });

  it('when SQS did not answer, then the count is not a number, so nothing reads as drained', () => {
    expect(pendingEvents('chirp_sqs_messages{queue="chirp-user",state="visible"} NaN')).toBeNaN();
  });
});

describe('reading GC pauses from a JVM log', () => {
  const LOG = [
    '[2026-11-30T19:41:34.211+0000][28.542s][gc] GC(11) Pause Young (Normal) (G1 Evacuation Pause) 157M->44M(256M) 7.732ms',
    '[2026-11-30T19:41:40.000+0000][34.331s][gc] GC(12) Concurrent Mark Cycle 12.000ms',
    '[2026-11-30T19:41:49.010+0000][43.341s][gc] GC(12) Pause Remark 246M->81M(265M) 3.5ms',
    '[2026-11-30T21:41:56.985+0200][51.315s][gc] GC(13) Pause Young (Normal) (G1 Preventive Collection) 252M->70M(277M) 195.726ms',
  ].join('\n');

  it('when pauses fall inside the window, then only stop-the-world pauses inside it count, time zones honoured', () => {
    const from = Date.parse('2026-11-30T19:41:40Z');
    const to = Date.parse('2026-11-30T19:42:00Z');
    expect(pausesIn(LOG, from, to)).toEqual([3.5, 195.726]);
    expect(pausesIn(LOG, Date.parse('2026-11-30T19:00:00Z'), from)).toEqual([7.732]);
  });
});

/** A cost run with only what the ratios read: platform CPU per request (one service) and latency. */
const aCostRun = (name: string, cpuMs: number, p50: number, p99: number): CostRun =>
  ({ name, msPerRequest: { gateway: cpuMs, 'load generator': 100 }, result: { total: { latencyMs: { p50, p99 } } } }) as unknown as CostRun;

describe('variants against the first', () => {
  it('when variants ran interleaved, then each is the median of its per-repeat ratios to the first, workload by workload', () => {
    const runs = [
      aCostRun('untraced · mix', 10, 5, 20),
      aCostRun('traced · mix', 11, 5.5, 30),
      aCostRun('untraced · post', 4, 2, 8),
      aCostRun('traced · post', 6, 2, 8),
      // Repeat 2: the machine got busier for both.
      aCostRun('untraced · mix', 20, 10, 40),
      aCostRun('traced · mix', 21, 10, 40),
      aCostRun('untraced · post', 4, 2, 8),
      aCostRun('traced · post', 6, 2, 8),
      aCostRun('untraced · mix', 10, 5, 20),
      aCostRun('traced · mix', 13, 5, 20),
    ];

    const ratios = variantRatios(runs);

    expect(ratios.map((row) => [row.workload, row.variant, row.against, row.pairs])).toEqual([
      ['mix', 'traced', 'untraced', 3],
      ['post', 'traced', 'untraced', 2],
    ]);
    // Ratios 1.1, 1.05 and 1.3: the median, not the ratio of sums (which 20 → 21 would drag down).
    expect(ratios[0]!.platformCpu).toBeCloseTo(1.1);
    expect(ratios[0]!.p50).toBeCloseTo(1);
    expect(ratios[1]!.platformCpu).toBeCloseTo(1.5);
  });

  it('when the runs have no variants, then there is nothing to compare', () => {
    expect(variantRatios([aCostRun('mix', 10, 5, 20)])).toEqual([]);
  });
});

describe('event-loop delay', () => {
  it('when prom-client reports the 10 ms sampling interval and more, then only what exceeds the interval counts as delay', () => {
    const busy = eventLoopDelayIn('nodejs_eventloop_lag_p99_seconds 0.0125\nnodejs_eventloop_lag_max_seconds 0.25\n');
    expect(busy.p99Ms).toBeCloseTo(2.5);
    expect(busy.maxMs).toBeCloseTo(240);
    // An idle process's timer can fire a hair early: no negative delay.
    expect(eventLoopDelayIn('nodejs_eventloop_lag_p99_seconds 0.00998\nnodejs_eventloop_lag_max_seconds 0.0101\n').p99Ms).toBe(0);
  });

  it('when a process exposes no event-loop figures, then they read NaN, not 0', () => {
    expect(eventLoopDelayIn('process_cpu_seconds_total 3\n').p99Ms).toBeNaN();
  });
});
