import type { FollowGraph, HighFollowerAuthors } from './ports.ts';

/** The high-follower authors a reader follows: merged into their timeline on read, so their stream listens to them. */
export function makeListMergedAuthors(deps: { graph: FollowGraph; highFollowers: HighFollowerAuthors }) {
  return async function listMergedAuthors(readerId: string): Promise<string[]> {
    const candidates = await deps.highFollowers.all();
    if (candidates.length === 0) return [];
    return [...(await deps.graph.followeesAmong(readerId, candidates))].sort();
  };
}
