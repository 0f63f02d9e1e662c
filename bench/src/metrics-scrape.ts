// Reads figures from a service's Prometheus endpoint: a sample's value, or a histogram's buckets.
export interface Histogram {
  /** Upper bounds (seconds) with cumulative counts, +Inf last. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
}

export async function scrape(url: string, timeoutMs = 5000): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  return response.text();
}

/** The sum of every sample of `name` (over all label sets); 0 when it is absent. */
export function sampleSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A histogram's buckets, summed over its label sets (every event, every route...). */
export function histogram(text: string, name: string): Histogram {
  const counts = new Map<number, number>();
  const pattern = new RegExp(`^${name}_bucket\\{(.*)\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    // prom-client writes `le` first, other exporters last: found wherever it is.
    const le = match ? /(?:^|,)le="([^"]+)"/.exec(match[1]!)?.[1] : undefined;
    if (!match || le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    counts.set(bound, (counts.get(bound) ?? 0) + Number(match[2]));
  }
  const buckets = [...counts].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { buckets, count: buckets.at(-1)?.count ?? 0 };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  const buckets = after.buckets.map((bucket, i) => ({ le: bucket.le, count: bucket.count - (before.buckets[i]?.count ?? 0) }));
  return { buckets, count: after.count - before.count };
}

/** A quantile by linear interpolation inside its bucket (what Prometheus's histogram_quantile does). */
export function histogramQuantile(h: Histogram, q: number): number | null {
  if (h.count === 0) return null;
  const rank = q * h.count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of h.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return lowerBound + (bucket.le - lowerBound) * (inBucket === 0 ? 0 : (rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
