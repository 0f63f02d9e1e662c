import { describe, expect, it } from 'vitest';
import { histogram, histogramDelta, histogramQuantile, sampleSum } from '../../src/metrics-scrape.ts';
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

  it('when two scrapes are taken, then the delta holds only what was observed between them', () => {
    const before = histogram(EXPOSITION, 'chirp_timeline_fanout_lag_seconds');
    const after = histogram(EXPOSITION.replace('le="0.1"} 10', 'le="0.1"} 30').replace('le="1"} 90', 'le="1"} 110').replace('le="+Inf"} 100', 'le="+Inf"} 120'), 'chirp_timeline_fanout_lag_seconds');
    const delta = histogramDelta(before, after);
    expect(delta.count).toBe(20);
    expect(histogramQuantile(delta, 0.99)).toBeLessThanOrEqual(0.1);
    expect(histogramQuantile(histogramDelta(before, before), 0.5)).toBeNull();
  });
});
