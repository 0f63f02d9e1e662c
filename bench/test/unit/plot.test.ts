import { describe, expect, it } from 'vitest';
import { latencyVersusRateSvg } from '../../src/plot.ts';

describe('the latency-versus-rate plot', () => {
  it('when given series, then each has a p99 and a p50 line through its points, a legend, and the goal line', () => {
    const svg = latencyVersusRateSvg('t <&>', [
      { name: 'Chirp', color: '#111111', points: [{ rate: 250, p50: 5, p99: 20 }, { rate: 500, p50: 8, p99: 150 }] },
      { name: 'hello', color: '#222222', points: [{ rate: 1000, p50: 1, p99: 3 }] },
    ], 100);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('t &lt;&amp;&gt;');
    expect(svg.match(/<path d="M[^"]+ L[^"]+" fill="none" stroke="#111111"/g)).toHaveLength(2);
    expect(svg.match(/<circle [^>]*fill="#222222"/g)).toHaveLength(2);
    expect(svg).toContain('Chirp p99');
    expect(svg).toContain('p99 goal 100 ms');
    // Log scale from 1 to 1000 ms: 100 ms sits a third of the way down from the top.
    const goalY = Number(/<line x1="70" y1="([\d.]+)"[^>]*stroke="#d33"/.exec(svg)![1]);
    expect(goalY).toBeCloseTo(40 + (440 - 40 - 55) / 3, 0);
  });
});
