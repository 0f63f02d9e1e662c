import type { FollowGraph } from './ports.ts';

/** The author's followers a page at a time, in the graph's order; the last page may be empty. */
export async function* followerPages(graph: FollowGraph, authorId: string, pageSize: number): AsyncGenerator<string[]> {
  let after: string | undefined;
  do {
    const page = await graph.followersPage(authorId, after, pageSize);
    after = page.next;
    yield page.followerIds;
  } while (after !== undefined);
}
