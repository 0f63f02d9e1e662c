// The gateway's ports for notifications and the live stream, in the public API's terms.
import type { NotificationJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { CallContext, PageRequest } from './ports.ts';

export interface NotificationService {
  list(userId: string, page: PageRequest & { types?: string | undefined }, ctx: CallContext): Promise<Page<NotificationJson>>;
  unreadCount(userId: string, ctx: CallContext): Promise<{ count: number }>;
  markRead(userId: string, upToId: string, ctx: CallContext): Promise<void>;
  /** Notifications after `afterId`, oldest first; `nextAfter` pages on (null: no more). */
  missed(userId: string, afterId: string, limit: number, ctx: CallContext): Promise<{ data: NotificationJson[]; nextAfter: string | null }>;
}

/** The high-follower authors a user follows: their tweets are merged into the home timeline on read, so the stream listens to them. */
export interface MergedAuthors {
  followedBy(userId: string, ctx: CallContext): Promise<string[]>;
}

/** Pub/sub shared by every gateway replica: a replica hears a channel only while it listens. */
export interface StreamBroker {
  /** Starts hearing `channel`; resolves once subscribed, with the function that stops this listener. */
  listen(channel: string, onMessage: (text: string) => void): Promise<() => Promise<void>>;
}
