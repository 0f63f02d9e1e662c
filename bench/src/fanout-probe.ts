// Fan-out lag as a client sees it: for sampled posts, the time from sending the post until it is
// in the home timeline of every one of the author's followers (a random few hundred of them for
// a huge account), read through the gateway on the probe's own connections.
import type { BenchClient } from './http-client.ts';
import { type LatencySummary, summarize } from './stats.ts';

export interface FanoutProbeOptions {
  client: BenchClient;
  tokens: readonly string[];
  followers: readonly (readonly number[])[];
  /** At most one sampled post per this many ms. */
  sampleEveryMs: number;
  /** How often each follower's home timeline is read while the post is missing. */
  pollMs: number;
  /** A post not in every timeline by then counts as missed. */
  giveUpMs: number;
  /** Followers checked per post: all of them up to this, a random sample of this many beyond. */
  maxReaders: number;
}

export interface FanoutLag {
  sampled: number;
  missed: number;
  /** Home-timeline reads the probe made (not counted in the workload's figures). */
  reads: number;
  lagMs: LatencySummary;
}

export interface FanoutProbe {
  onPosted(post: { author: number; tweetId: string; sentAt: number }): void;
  /** Samples no more posts, waits for those still being watched, then the figures. */
  finish(): Promise<FanoutLag>;
}

export function createFanoutProbe(options: FanoutProbeOptions): FanoutProbe {
  const { client, tokens, followers, pollMs, giveUpMs } = options;
  const lags: number[] = [];
  const watching = new Set<Promise<void>>();
  let lastSample = -Infinity;
  let finished = false;
  let missed = 0;
  let reads = 0;

  /** Whether the post is on the reader's first page; a failed read counts as not yet. */
  const inHome = async (reader: number, tweetId: string): Promise<boolean> => {
    reads++;
    try {
      const answer = await client.call('GET', '/v1/timelines/home?limit=50', { token: tokens[reader], timeoutMs: 5000 });
      if (answer.status !== 200) return false;
      return (answer.body as { data?: Array<{ id: string }> }).data?.some((tweet) => tweet.id === tweetId) ?? false;
    } catch {
      return false;
    }
  };

  /**
   * Polls one follower until the post is there, then every other follower; any still missing
   * is polled again until it is. Fan-out writes a chunk of followers at once, so after the
   * first, the rest are mostly a single read each.
   */
  const watch = async (readers: readonly number[], tweetId: string, sentAt: number) => {
    let missing = [...readers];
    let firstSeen = false;
    for (;;) {
      if (performance.now() - sentAt > giveUpMs) {
        missed++;
        return;
      }
      const batch = firstSeen ? missing : missing.slice(0, 1);
      const seen = await Promise.all(batch.map((reader) => inHome(reader, tweetId)));
      const now = performance.now();
      const found = new Set(batch.filter((_, i) => seen[i]));
      missing = missing.filter((reader) => !found.has(reader));
      if (missing.length === 0) {
        lags.push(now - sentAt);
        return;
      }
      if (found.size > 0) firstSeen = true;
      else await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };

  return {
    onPosted(post) {
      const all = followers[post.author] ?? [];
      if (finished || all.length === 0 || post.sentAt - lastSample < options.sampleEveryMs) return;
      lastSample = post.sentAt;
      const readers = all.length <= options.maxReaders ? all : sample(all, options.maxReaders);
      const watched = watch(readers, post.tweetId, post.sentAt).catch(() => {
        missed++;
      });
      watching.add(watched);
      void watched.finally(() => watching.delete(watched));
    },
    async finish() {
      finished = true;
      await Promise.all(watching);
      return { sampled: lags.length + missed, missed, reads, lagMs: summarize(lags) };
    },
  };
}

/** `count` distinct items of `items`, drawn uniformly. */
function sample<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
