import { handleKey, type StoredNotification } from '../../src/domain/notification.ts';
import type { HeldMention, KnownUser, NotificationStore, UserDirectory } from '../../src/use-cases/ports.ts';

const byId = (a: { id: string }, b: { id: string }) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
const actKey = (n: { recipientId: string; type: string; actorId: string; tweetId: string | null }) => `${n.recipientId}|${n.type}|${n.actorId}|${n.tweetId ?? ''}`;

/** The NotificationStore in memory, held to the same contract as Postgres (test/contract). */
export function createInMemoryNotificationStore(): NotificationStore & { readonly all: readonly StoredNotification[] } {
  const notifications = new Map<string, StoredNotification>();
  const deleted = new Map<string, Date>();
  const reads = new Map<string, bigint>();
  const ofRecipient = (recipientId: string) => [...notifications.values()].filter((n) => n.recipientId === recipientId).sort(byId);
  return {
    get all() {
      return [...notifications.values()].sort(byId);
    },
    async add(candidates, ids) {
      const acts = new Set([...notifications.values()].map(actKey));
      const added: StoredNotification[] = [];
      for (const candidate of candidates) {
        if (candidate.tweetId !== null && deleted.has(candidate.tweetId)) continue;
        if (acts.has(actKey(candidate))) continue;
        acts.add(actKey(candidate));
        const stored = { ...candidate, id: ids.next() };
        notifications.set(stored.id, stored);
        added.push(stored);
      }
      return added.sort(byId);
    },
    async forgetTweet(tweetId, at) {
      if (!deleted.has(tweetId)) deleted.set(tweetId, at);
      let gone = 0;
      for (const [id, n] of notifications) if (n.tweetId === tweetId && notifications.delete(id)) gone += 1;
      return gone;
    },
    async listNewest(recipientId, { before, types, limit }) {
      return ofRecipient(recipientId)
        .reverse()
        .filter((n) => (before === undefined || BigInt(n.id) < BigInt(before)) && (types === undefined || types.includes(n.type)))
        .slice(0, limit);
    },
    async listAfter(recipientId, after, limit) {
      return ofRecipient(recipientId)
        .filter((n) => BigInt(n.id) > BigInt(after))
        .slice(0, limit);
    },
    async readUpTo(recipientId) {
      return String(reads.get(recipientId) ?? 0n);
    },
    async markRead(recipientId, upToId) {
      const mark = BigInt(upToId);
      if (mark > (reads.get(recipientId) ?? 0n)) reads.set(recipientId, mark);
    },
    async countUnread(recipientId, cap) {
      const mark = reads.get(recipientId) ?? 0n;
      return Math.min(cap, ofRecipient(recipientId).filter((n) => BigInt(n.id) > mark).length);
    },
    async pruneDeletedBefore(before) {
      let gone = 0;
      for (const [tweetId, at] of deleted) if (at < before && deleted.delete(tweetId)) gone += 1;
      return gone;
    },
  };
}

/** The UserDirectory in memory, held to the same contract as Postgres. */
export function createInMemoryUserDirectory(): UserDirectory {
  const users = new Map<string, KnownUser>();
  let held: HeldMention[] = [];
  return {
    async save(user) {
      const existing = users.get(user.id);
      if (existing && existing.profileVersion >= user.profileVersion) return false;
      users.set(user.id, { ...user, registeredAt: user.registeredAt ?? existing?.registeredAt ?? null });
      return true;
    },
    async findByHandles(handles) {
      const keys = new Set(handles.map(handleKey));
      return [...users.values()].filter((user) => keys.has(handleKey(user.handle)));
    },
    async findByIds(ids) {
      return ids.flatMap((id) => {
        const user = users.get(id);
        return user ? [user] : [];
      });
    },
    async hold(mentions) {
      for (const mention of mentions) {
        if (!held.some((h) => handleKey(h.handle) === handleKey(mention.handle) && h.tweetId === mention.tweetId)) held.push({ ...mention });
      }
    },
    async findHeld(handle) {
      return held.filter((h) => handleKey(h.handle) === handleKey(handle)).sort((a, b) => byId({ id: a.tweetId }, { id: b.tweetId }));
    },
    async release(handle, tweetIds) {
      held = held.filter((h) => handleKey(h.handle) !== handleKey(handle) || !tweetIds.includes(h.tweetId));
    },
    async pruneHeld(before) {
      const kept = held.filter((h) => h.at >= before);
      const gone = held.length - kept.length;
      held = kept;
      return gone;
    },
  };
}
