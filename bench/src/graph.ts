// The follow graphs the benchmark seeds: the socfb-Reed98 friendship graph (every undirected
// edge as two follows), or a seeded generator of larger graphs whose follower counts are heavy
// tailed, as on a real network: most accounts have a few dozen, a few have 100,000 or more.
import { readFileSync } from 'node:fs';

export interface FollowGraph {
  /** Users are 0 … users-1, registered as `username_<i>`. */
  users: number;
  /** Follower, followee pairs, flattened: follows[2k] follows follows[2k+1]. */
  follows: Uint32Array;
  /** Where it came from, for the report. */
  name: string;
}

export const handleOf = (user: number): string => `username_${user}`;

export const followCount = (graph: FollowGraph): number => graph.follows.length / 2;

/** Reads an edge list (`u v` per line, ids from 0): each undirected edge becomes two follows. */
export function loadUndirectedEdges(path: string, users: number, name: string): FollowGraph {
  const pairs: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('%') || trimmed.startsWith('#')) continue;
    const [u, v] = trimmed.split(/\s+/).map(Number);
    if (!Number.isInteger(u) || !Number.isInteger(v) || u! < 0 || v! < 0 || u! >= users || v! >= users || u === v) {
      throw new Error(`${path}: "${trimmed}" is not an edge between two distinct users 0…${users - 1}`);
    }
    pairs.push(u!, v!, v!, u!);
  }
  return { users, follows: Uint32Array.from(pairs), name };
}

/** Reads a graph in the Network Data Repository layout: `<name>.edges` and `<name>.nodes` (the user count). */
export function loadNetworkRepositoryGraph(dir: string, name: string): FollowGraph {
  const users = Number(readFileSync(`${dir}/${name}.nodes`, 'utf8').trim());
  if (!Number.isInteger(users) || users < 2) throw new Error(`${dir}/${name}.nodes should hold the user count`);
  return loadUndirectedEdges(`${dir}/${name}.edges`, users, name);
}

export interface GeneratedGraphOptions {
  users: number;
  /** Mean accounts each user follows. */
  meanFollowing: number;
  /** Zipf exponent of popularity: account of rank r is followed with weight 1/r^s. */
  popularityExponent: number;
  seed: number;
}

/**
 * Each user follows a geometric number of accounts (mean `meanFollowing`, at least one), each
 * drawn by popularity rank with Zipf weights (a Chung–Lu style graph). Ranks are shuffled over
 * ids, so popular accounts are spread through the id space. The same options give the same graph.
 */
export function generateHeavyTailedGraph(options: GeneratedGraphOptions): FollowGraph {
  const { users, meanFollowing, popularityExponent, seed } = options;
  if (users < 2) throw new Error('a graph needs at least two users');
  const random = seededRandom(seed);
  const cumulative = new Float64Array(users);
  let total = 0;
  for (let rank = 0; rank < users; rank++) {
    total += 1 / Math.pow(rank + 1, popularityExponent);
    cumulative[rank] = total;
  }
  const userAtRank = shuffledIds(users, random);
  const drawByPopularity = (): number => {
    const target = random() * total;
    let low = 0;
    let high = users - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return userAtRank[low]!;
  };

  const pairs: number[] = [];
  const followees = new Set<number>();
  const continueProbability = 1 - 1 / meanFollowing;
  for (let follower = 0; follower < users; follower++) {
    let wanted = 1;
    while (random() < continueProbability) wanted++;
    wanted = Math.min(wanted, users - 1);
    followees.clear();
    // Popular accounts are drawn again and again; give up on a user after enough misses.
    for (let attempts = 0; followees.size < wanted && attempts < wanted * 20; attempts++) {
      const followee = drawByPopularity();
      if (followee !== follower) followees.add(followee);
    }
    for (const followee of followees) pairs.push(follower, followee);
  }
  return { users, follows: Uint32Array.from(pairs), name: `generated(users=${users}, meanFollowing=${meanFollowing}, s=${popularityExponent}, seed=${seed})` };
}

/** Follower counts per user, indexed by user. */
export function followerCounts(graph: FollowGraph): Uint32Array {
  const counts = new Uint32Array(graph.users);
  for (let i = 1; i < graph.follows.length; i += 2) counts[graph.follows[i]!]!++;
  return counts;
}

/** Followers of each user, for the fan-out probe. */
export function followersByUser(graph: FollowGraph): number[][] {
  const followers: number[][] = Array.from({ length: graph.users }, () => []);
  for (let i = 0; i < graph.follows.length; i += 2) followers[graph.follows[i + 1]!]!.push(graph.follows[i]!);
  return followers;
}

/** A small fast seeded generator (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffledIds(count: number, random: () => number): Uint32Array {
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = swap;
  }
  return ids;
}
