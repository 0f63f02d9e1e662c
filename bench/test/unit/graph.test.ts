import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { followCount, followerCounts, followersByUser, generateHeavyTailedGraph, loadNetworkRepositoryGraph, loadUndirectedEdges } from '../../src/graph.ts';
import { median } from '../../src/stats.ts';

const shared = fileURLToPath(new URL('../../../../shared/data/social-graph', import.meta.url));

describe('the Reed98 graph', () => {
  it('when loaded, then every one of its 18,812 friendships is two follows among 962 users', () => {
    const graph = loadNetworkRepositoryGraph(shared, 'socfb-Reed98');
    expect(graph.users).toBe(962);
    expect(followCount(graph)).toBe(37_624);
    const counts = followerCounts(graph);
    // Friendship is mutual, so followers are the degree: the README gives max 313, median 29.
    expect(Math.max(...counts)).toBe(313);
    expect(median([...counts])).toBe(29);
  });
});

describe('loading an edge list', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'graph-')), 'g.edges');
    writeFileSync(path, text);
    return path;
  };

  it('when an edge names a user out of range or itself, then it refuses, naming the line', () => {
    expect(() => loadUndirectedEdges(file('0 1\n1 5\n'), 3, 'g')).toThrow(/"1 5"/);
    expect(() => loadUndirectedEdges(file('2 2\n'), 3, 'g')).toThrow(/"2 2"/);
  });

  it('when an edge is u v, then u follows v and v follows u', () => {
    const graph = loadUndirectedEdges(file('% comment\n0 2\n'), 3, 'g');
    expect([...graph.follows]).toEqual([0, 2, 2, 0]);
    expect(followersByUser(graph)).toEqual([[2], [], [0]]);
  });
});

describe('the heavy-tailed generator', () => {
  it('when given the same options, then it gives the same graph; another seed, another graph', () => {
    const options = { users: 2000, meanFollowing: 20, popularityExponent: 1, seed: 7 };
    expect(generateHeavyTailedGraph(options).follows).toEqual(generateHeavyTailedGraph(options).follows);
    expect(generateHeavyTailedGraph({ ...options, seed: 8 }).follows).not.toEqual(generateHeavyTailedGraph(options).follows);
  });

  it('when generating, then the most followed accounts are followed by most users while the median has a handful', () => {
    // At the default scale run (200,000 users, mean 40) this shape gives three accounts over 100,000 followers.
    const users = 20_000;
    const graph = generateHeavyTailedGraph({ users, meanFollowing: 40, popularityExponent: 1, seed: 1 });
    const counts = [...followerCounts(graph)].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(0.7 * users);
    expect(counts[2]).toBeGreaterThan(0.5 * users);
    expect(counts[50]).toBeLessThan(0.1 * users);
    expect(median(counts)).toBeLessThan(15);
    const mean = followCount(graph) / graph.users;
    expect(mean).toBeGreaterThan(35);
    expect(mean).toBeLessThan(45);
  });

  it('when generating, then nobody follows themselves or the same account twice', () => {
    const graph = generateHeavyTailedGraph({ users: 500, meanFollowing: 30, popularityExponent: 1.2, seed: 3 });
    const seen = new Set<string>();
    for (let i = 0; i < graph.follows.length; i += 2) {
      expect(graph.follows[i]).not.toBe(graph.follows[i + 1]);
      const key = `${graph.follows[i]}>${graph.follows[i + 1]}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });
});
