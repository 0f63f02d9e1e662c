// The checker of the chaos run: what the clients were told (acknowledged posts) against what the
// platform shows once it has settled (each tweet by id, user timelines, home timelines, counts).
// Pure: it reads observations and returns findings, so it is tested on synthetic data.

/** One post the workload tried: its text is unique to it, its id known once acknowledged. */
export interface Post {
  key: string;
  text: string;
  authorId: string;
  /** The id the 201 answer gave; absent when no attempt was acknowledged. */
  id?: string;
  /** When the acknowledgement arrived (ms since epoch). */
  ackedAtMs?: number;
}

export interface TimelineEntry {
  id: string;
  text: string;
}

export interface Observations {
  /** GET /v1/tweets/{id} of every acknowledged id: the tweet, or null when it answered 404. */
  tweetsById: ReadonlyMap<string, TimelineEntry | null>;
  /** Each author's whole user timeline (GET /v1/users/{handle}/tweets, every page). */
  userTimelines: ReadonlyMap<string, readonly TimelineEntry[]>;
  /** Each user's home timeline ids, newest first (GET /v1/timelines/home, every page). */
  homeTimelines: ReadonlyMap<string, readonly string[]>;
  /** Each user's tweetCount (GET /v1/users/{handle}). */
  tweetCounts: ReadonlyMap<string, number>;
}

export interface CheckInput {
  posts: readonly Post[];
  /** Who follows whom: follower ids by followee id, as the workload set it up. */
  followers: ReadonlyMap<string, readonly string[]>;
  observed: Observations;
  /** Home timelines keep this many entries; an entry older than a full timeline's oldest is trimmed, not missing. */
  homeCapacity: number;
}

export interface Finding {
  postKey: string;
  tweetId?: string;
  userId?: string;
  why: string;
}

export interface CheckReport {
  attempted: number;
  acked: number;
  /** Acknowledged, but absent from GET /v1/tweets/{id} or from the author's user timeline. */
  lost: Finding[];
  /** One post stored more than once (its text under two ids), or one id twice in a timeline. */
  duplicated: Finding[];
  /** (follower, tweet) pairs: an acknowledged tweet absent from a follower's home timeline. */
  missingFromFollowers: Finding[];
  /** Acknowledged tweets absent from their author's own home timeline. */
  missingFromAuthorHome: Finding[];
  /** Users whose tweetCount differs from the tweets in their user timeline. */
  countDrift: Array<{ userId: string; tweetCount: number; tweets: number }>;
  /** Not acknowledged, yet stored (a retry that gave up after the write): allowed, reported. */
  storedButUnacked: number;
}

/** True when the report shows nothing lost, duplicated, missing or drifted. */
export const isClean = (report: CheckReport): boolean =>
  report.lost.length === 0 && report.duplicated.length === 0 && report.missingFromFollowers.length === 0 && report.missingFromAuthorHome.length === 0 && report.countDrift.length === 0;

export function check(input: CheckInput): CheckReport {
  const { posts, followers, observed } = input;
  const report: CheckReport = {
    attempted: posts.length,
    acked: 0,
    lost: [],
    duplicated: [],
    missingFromFollowers: [],
    missingFromAuthorHome: [],
    countDrift: [],
    storedButUnacked: 0,
  };

  // Ids under which each text is stored, per author timeline.
  const idsByText = new Map<string, Set<string>>();
  for (const entries of observed.userTimelines.values()) {
    for (const entry of entries) {
      const ids = idsByText.get(entry.text) ?? new Set<string>();
      ids.add(entry.id);
      idsByText.set(entry.text, ids);
    }
  }
  const homes = new Map([...observed.homeTimelines].map(([userId, ids]) => [userId, { ids: new Set(ids), oldest: ids.at(-1), full: ids.length >= input.homeCapacity }]));
  const inHome = (userId: string, tweetId: string) => {
    const home = homes.get(userId);
    if (!home) return false;
    // A full timeline has trimmed what is older than its oldest entry (ids are time-ordered).
    return home.ids.has(tweetId) || (home.full && home.oldest !== undefined && BigInt(tweetId) < BigInt(home.oldest));
  };

  for (const post of posts) {
    const stored = idsByText.get(post.text) ?? new Set<string>();
    if (stored.size > 1) report.duplicated.push({ postKey: post.key, why: `stored ${stored.size} times: ${[...stored].join(', ')}` });
    if (post.id === undefined) {
      if (stored.size > 0) report.storedButUnacked += 1;
      continue;
    }
    report.acked += 1;
    const byId = observed.tweetsById.get(post.id);
    if (!byId || byId.text !== post.text) report.lost.push({ postKey: post.key, tweetId: post.id, why: byId ? 'GET /v1/tweets/{id} has another text' : 'GET /v1/tweets/{id} does not find it' });
    else if (!stored.has(post.id)) report.lost.push({ postKey: post.key, tweetId: post.id, userId: post.authorId, why: "not in the author's user timeline" });
    if (!inHome(post.authorId, post.id)) report.missingFromAuthorHome.push({ postKey: post.key, tweetId: post.id, userId: post.authorId, why: "not in the author's home timeline" });
    for (const follower of followers.get(post.authorId) ?? []) {
      if (!inHome(follower, post.id)) report.missingFromFollowers.push({ postKey: post.key, tweetId: post.id, userId: follower, why: "not in a follower's home timeline" });
    }
  }

  for (const [userId, ids] of observed.homeTimelines) {
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    for (const id of new Set(repeated)) report.duplicated.push({ postKey: '', tweetId: id, userId, why: 'twice in a home timeline' });
  }
  for (const [userId, entries] of observed.userTimelines) {
    const tweetCount = observed.tweetCounts.get(userId);
    if (tweetCount !== undefined && tweetCount !== entries.length) report.countDrift.push({ userId, tweetCount, tweets: entries.length });
  }
  return report;
}

/** The figures of a report, one line each, for people. */
export function summarize(report: CheckReport): string {
  const followerTweets = new Set(report.missingFromFollowers.map((finding) => finding.tweetId)).size;
  return [
    `attempted ${report.attempted}, acknowledged ${report.acked} (stored without acknowledgement: ${report.storedButUnacked})`,
    `lost ${report.lost.length}`,
    `duplicated ${report.duplicated.length}`,
    `missing from followers' home timelines ${report.missingFromFollowers.length} entries (${followerTweets} tweets)`,
    `missing from the author's home timeline ${report.missingFromAuthorHome.length}`,
    `tweetCount drift ${report.countDrift.length} users (${report.countDrift.reduce((sum, drift) => sum + Math.abs(drift.tweetCount - drift.tweets), 0)} counts)`,
  ].join('\n');
}
