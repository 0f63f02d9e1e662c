import type { Clock } from '@chirp/kernel/clock';
import type { NotificationStore, UserDirectory } from './ports.ts';

/** How long a mention of an unknown handle waits for that user's registration to arrive. */
export const HELD_MENTION_HOURS = 1;
/** How long a deleted tweet is remembered: longer than SQS keeps a message (14 days), so no late event outlives it. */
export const DELETION_MEMORY_DAYS = 15;

/** Forgets what has served its time: mentions held past HELD_MENTION_HOURS (their handle was nobody's), old deletion markers. */
export function makePruneExpiredRecords(deps: { users: UserDirectory; store: NotificationStore; clock: Clock }) {
  return async function pruneExpiredRecords(): Promise<{ heldMentions: number; deletionMarkers: number }> {
    const now = deps.clock.now().getTime();
    const heldMentions = await deps.users.pruneHeld(new Date(now - HELD_MENTION_HOURS * 3600_000));
    const deletionMarkers = await deps.store.pruneDeletedBefore(new Date(now - DELETION_MEMORY_DAYS * 86_400_000));
    return { heldMentions, deletionMarkers };
  };
}
