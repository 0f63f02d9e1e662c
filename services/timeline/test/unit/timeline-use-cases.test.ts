import { sequentialIds } from '@chirp/testing/fakes';
import { describe, expect, it, vi } from 'vitest';
import { MAX_HOME_ITEMS, shouldTrim } from '../../src/domain/timeline.ts';
import { aTimelineService } from '../fakes/fake-ports.ts';

const ids = sequentialIds(7_000_000_000_000_000_000n);
const at = '2026-03-01T12:00:00.000Z';
let sequence = 0;
/** Follows with rising sequences, as the user service numbers them. */
const follow = (service: ReturnType<typeof aTimelineService>, followerId: string, followeeId: string, following = true) =>
  service.recordFollowChange({ followerId, followeeId, sequence: String((sequence += 1)), following });
const post = async (service: ReturnType<typeof aTimelineService>, authorId: string) => {
  const tweetId = ids.next();
  service.ports.tweets.known.add(tweetId);
  await service.fanOut({ tweetId, authorId, createdAt: at });
  return tweetId;
};
const homeIds = async (service: ReturnType<typeof aTimelineService>, readerId: string, limit = 100) =>
  (await service.readHomeTimeline({ readerId, limit })).data.map((tweet) => tweet.id);

describe('fan-out on write', () => {
  it('when an author with 3 followers tweets, then the tweet is in the author’s and each follower’s timeline, and no one else’s', async () => {
    const service = aTimelineService();
    for (const follower of ['11', '12', '13']) await follow(service, follower, '1');
    const tweetId = await post(service, '1');
    for (const reader of ['1', '11', '12', '13']) expect(await homeIds(service, reader)).toEqual([tweetId]);
    expect(await homeIds(service, '14')).toEqual([]);
    expect(service.ports.written.entries).toBe(4);
    // The author's own timeline rides in the followers' chunk: one write, one lag observation.
    expect(service.ports.written.lags).toEqual([1]);
  });

  it('when the followers outnumber a chunk, then the fan-out is queued in chunks; any order, any repeat, the same timelines', async () => {
    const service = aTimelineService({ chunkSize: 2 });
    const followers = ['21', '22', '23', '24', '25'];
    for (const follower of followers) await follow(service, follower, '2');
    const tweetId = await post(service, '2');
    // More than one chunk: the author's own entry is written at once, the followers' chunks queued.
    expect(await homeIds(service, '2')).toEqual([tweetId]);
    expect(service.ports.queue.pending.map((chunk) => chunk.readerIds)).toEqual([['21', '22'], ['23', '24'], ['25']]);
    const chunks = [...service.ports.queue.pending];
    service.ports.queue.pending.push(chunks[1]!, chunks[0]!);
    await service.drain();
    for (const reader of ['2', ...followers]) expect(await homeIds(service, reader)).toEqual([tweetId]);
    expect(service.ports.homeTimelines.entriesOf('21')).toEqual([{ tweetId, authorId: '2' }]);
  });

  it('when the same tweet.created is handled twice, then every timeline holds it once', async () => {
    const service = aTimelineService();
    await follow(service, '31', '3');
    const tweetId = ids.next();
    service.ports.tweets.known.add(tweetId);
    await service.fanOut({ tweetId, authorId: '3', createdAt: at });
    await service.fanOut({ tweetId, authorId: '3', createdAt: at });
    expect(service.ports.homeTimelines.entriesOf('31')).toEqual([{ tweetId, authorId: '3' }]);
  });
});

describe('high-follower authors', () => {
  it('when an author reaches the threshold, then they are merged on read: later tweets cost one timeline write and still reach every follower', async () => {
    const service = aTimelineService({ highFollowerThreshold: 4, chunkSize: 2 });
    const followers = ['41', '42', '43', '44', '45', '46'];
    for (const follower of followers) await follow(service, follower, '4');
    const first = await post(service, '4');
    await service.drain();
    expect(service.ports.highFollowers.ids.has('4')).toBe(true);
    const writtenBefore = service.ports.written.entries;
    const second = await post(service, '4');
    expect(service.ports.queue.pending).toEqual([]);
    expect(service.ports.written.entries - writtenBefore).toBe(1); // the author's own timeline
    for (const reader of followers) expect(await homeIds(service, reader)).toEqual([second, first]);
    expect(await homeIds(service, '47')).toEqual([]);
  });

  it('when a reader follows several high-follower authors and others, then one page merges them all newest first, paged without repeats', async () => {
    const service = aTimelineService({ highFollowerThreshold: 1 });
    for (const author of ['51', '52', '53']) service.ports.highFollowers.ids.add(author);
    for (const author of ['51', '52', '53', '54']) await follow(service, '50', author);
    const posted: string[] = [];
    for (let round = 0; round < 3; round += 1) for (const author of ['51', '52', '53', '54', '50']) posted.push(await post(service, author));
    const first = await service.readHomeTimeline({ readerId: '50', limit: 6 });
    const second = await service.readHomeTimeline({ readerId: '50', limit: 6, cursor: first.nextCursor! });
    const third = await service.readHomeTimeline({ readerId: '50', limit: 6, cursor: second.nextCursor! });
    expect([...first.data, ...second.data, ...third.data].map((t) => t.id)).toEqual([...posted].reverse());
    expect(third.nextCursor).toBeNull();
    expect(service.ports.tweets.calls.at(-1)).toHaveLength(3);
  });

  it('when hundreds of authors are merged on read, then a page still merges exactly the ones the reader follows', async () => {
    const service = aTimelineService({ highFollowerThreshold: 1 });
    for (let i = 0; i < 300; i += 1) service.ports.highFollowers.ids.add(String(1000 + i));
    for (const author of ['1007', '1250']) await follow(service, '60', author);
    const followed = [await post(service, '1007'), await post(service, '1250')];
    await post(service, '1100');
    expect(await homeIds(service, '60')).toEqual([...followed].reverse());
  });
});

describe('follow, unfollow, delete', () => {
  it('when a reader follows someone, then their recent tweets join the timeline; after an unfollow they leave it', async () => {
    const service = aTimelineService();
    const older = [await post(service, '6'), await post(service, '6')];
    await follow(service, '61', '6');
    expect(await homeIds(service, '61')).toEqual([...older].reverse());
    await follow(service, '61', '6', false);
    expect(await homeIds(service, '61')).toEqual([]);
    expect(service.ports.homeTimelines.entriesOf('61')).toEqual([]);
  });

  it('when a followee’s tweet is marked deleted before its author’s list lost it, then a follow’s backfill leaves it out of the stored timeline', async () => {
    const service = aTimelineService();
    const [kept, gone, alsoGone] = [await post(service, '9'), await post(service, '9'), await post(service, '9')];
    // The delete's marker is written first; until its handler reaches the author's recent tweets, a backfill still finds them there.
    for (const tweetId of [gone, alsoGone]) await service.ports.deleted.mark(tweetId);
    await follow(service, '91', '9');
    expect(service.ports.homeTimelines.entriesOf('91').map((entry) => entry.tweetId)).toEqual([kept]);
  });

  it('when a reader with a cached timeline follows someone, then the backfill joins the cached copy too: the next read needs no rebuild', async () => {
    const service = aTimelineService();
    const own = await post(service, '65');
    expect(await homeIds(service, '65')).toEqual([own]);
    const theirs = [await post(service, '66'), await post(service, '66')];
    const rebuilds = vi.spyOn(service.ports.cache, 'rebuild');
    await follow(service, '65', '66');
    expect(service.ports.cache.peek('65')).toEqual([own, ...theirs].reverse());
    expect(await homeIds(service, '65')).toEqual([own, ...theirs].reverse());
    expect(rebuilds).not.toHaveBeenCalled();
  });

  it('when a delete or an unfollow lands while a follow merges into a cached timeline, then neither the store nor the cached copy keeps what it removed', async () => {
    for (const interleaved of ['delete', 'unfollow'] as const) {
      const service = aTimelineService();
      const { graph, deleted, cache } = service.ports;
      const own = await post(service, '67');
      const [kept, gone] = [await post(service, '68'), await post(service, '68')];
      expect(await homeIds(service, '67')).toEqual([own]);
      // Lands after the merge has written both copies, before it checks again.
      const merge = cache.merge.bind(cache);
      cache.merge = async (readerId, tweetIds) => {
        const depth = await merge(readerId, tweetIds);
        if (interleaved === 'delete') await deleted.mark(gone);
        else await graph.saveFollow({ followerId: '67', followeeId: '68', sequence: String((sequence += 1)), following: false });
        return depth;
      };
      await follow(service, '67', '68');
      const left = interleaved === 'delete' ? [kept, own] : [own];
      expect(service.ports.homeTimelines.entriesOf('67').map((entry) => entry.tweetId).sort().reverse()).toEqual(left);
      // The cached copy has the same ids, or is gone and rebuilt from the store by the next read.
      expect(cache.peek('67') ?? left).toEqual(left);
      expect(await homeIds(service, '67')).toEqual(left);
    }
  });

  it('when an unfollow arrives before the follow it follows, then the pair stays unfollowed and the timeline empty', async () => {
    const service = aTimelineService();
    await post(service, '7');
    await service.recordFollowChange({ followerId: '71', followeeId: '7', sequence: '1002', following: false });
    await service.recordFollowChange({ followerId: '71', followeeId: '7', sequence: '1001', following: true });
    expect(await service.ports.graph.isFollowing('71', '7')).toBe(false);
    expect(await homeIds(service, '71')).toEqual([]);
  });

  it('when a tweet is deleted, then it leaves every timeline; a delete before its create makes the create change nothing', async () => {
    const service = aTimelineService({ chunkSize: 1 });
    for (const follower of ['81', '82']) await follow(service, follower, '8');
    const kept = await post(service, '8');
    const gone = await post(service, '8');
    await service.drain();
    await service.removeTweet({ tweetId: gone, authorId: '8', deletedAt: at });
    await service.drain();
    for (const reader of ['8', '81', '82']) expect(service.ports.homeTimelines.entriesOf(reader).map((e) => e.tweetId)).toEqual([kept]);
    const early = ids.next();
    await service.removeTweet({ tweetId: early, authorId: '8', deletedAt: at });
    await service.drain();
    await service.fanOut({ tweetId: early, authorId: '8', createdAt: at });
    await service.drain();
    for (const reader of ['8', '81', '82']) expect(service.ports.homeTimelines.entriesOf(reader).map((e) => e.tweetId)).toEqual([kept]);
  });

  it('when a queued chunk runs after the reader unfollowed, then the tweet does not stay in their timeline', async () => {
    const service = aTimelineService({ chunkSize: 1 });
    for (const follower of ['95', '96']) await follow(service, follower, '94');
    const tweetId = await post(service, '94');
    await follow(service, '95', '94', false);
    await service.drain();
    expect(service.ports.homeTimelines.entriesOf('95')).toEqual([]);
    expect(service.ports.homeTimelines.entriesOf('96')).toEqual([{ tweetId, authorId: '94' }]);
  });

  it('when a queued chunk runs after the tweet was deleted, then it writes nothing', async () => {
    const service = aTimelineService({ chunkSize: 1 });
    for (const follower of ['91', '92']) await follow(service, follower, '9');
    const tweetId = await post(service, '9');
    const adds = service.ports.queue.pending.splice(0);
    expect(adds.map((chunk) => chunk.action)).toEqual(['add', 'add']);
    await service.removeTweet({ tweetId, authorId: '9', deletedAt: at });
    service.ports.queue.pending.splice(0); // the delete's own chunks: not run, so only the adds' guard is under test
    const writes = vi.spyOn(service.ports.homeTimelines, 'push');
    for (const chunk of adds) await service.deliver(chunk);
    expect(writes).not.toHaveBeenCalled();
    for (const reader of ['9', '91', '92']) expect(service.ports.homeTimelines.entriesOf(reader)).toEqual([]);
  });
});

/** The ways fanOut pushes a tweet itself: one chunk with every follower, only the author's own (merged on read), or the author's own before the rest is queued. */
const paths = {
  'one chunk': { settings: { chunkSize: 3 }, followers: ['2', '3'], mergedOnRead: false },
  'merged on read': { settings: { chunkSize: 3 }, followers: ['2', '3'], mergedOnRead: true },
  'queued chunks': { settings: { chunkSize: 2 }, followers: ['2', '3', '4', '5', '6'], mergedOnRead: false },
};
/** An author `1` with the path's followers, each reader's cached timeline built (empty), and a tweet the tweet service knows. */
const anAuthorOn = async (path: (typeof paths)[keyof typeof paths]) => {
  const service = aTimelineService(path.settings);
  for (const follower of path.followers) await follow(service, follower, '1');
  if (path.mergedOnRead) service.ports.highFollowers.ids.add('1');
  for (const reader of ['1', ...path.followers]) await homeIds(service, reader);
  const tweet = { tweetId: ids.next(), authorId: '1' };
  service.ports.tweets.known.add(tweet.tweetId);
  return { service, tweet, readers: ['1', ...path.followers] };
};

describe('a new tweet’s deletion check', () => {
  it('when an author tweets, then deleted_tweets is read once before the queue runs, on every path', async () => {
    for (const [name, path] of Object.entries(paths)) {
      const { service, tweet, readers } = await anAuthorOn(path);
      const has = vi.spyOn(service.ports.deleted, 'has');
      await service.fanOut({ ...tweet, createdAt: at });
      expect(has, name).toHaveBeenCalledTimes(1);
      await service.drain();
      for (const reader of readers) expect(await homeIds(service, reader), `${name}, reader ${reader}`).toEqual([tweet.tweetId]);
      expect(await service.ports.authorTweets.wasFannedOut(tweet), name).toBe(!path.mergedOnRead);
    }
  });

  it('when the delete lands before the create, between its record and its check, or after the check, then no author record and no home row stays, stored or cached', async () => {
    type Moment = 'before the create' | 'after the record' | 'after the rows' | 'after the check';
    const moments: Moment[] = ['before the create', 'after the record', 'after the rows', 'after the check'];
    for (const [name, path] of Object.entries(paths)) {
      for (const moment of moments) {
        const { service, tweet, readers } = await anAuthorOn(path);
        const { authorTweets, homeTimelines, deleted, queue, live } = service.ports;
        const removeTweet = () => service.removeTweet({ ...tweet, deletedAt: at });
        /** Runs the delete once, whole, after `method` of `port` resolves the first time (and `when` holds). */
        const landAfter = <P extends object>(port: P, method: keyof P & string, when: (...args: never[]) => boolean = () => true) => {
          const original = (port[method] as (...args: unknown[]) => Promise<unknown>).bind(port);
          let landed = false;
          Object.assign(port, {
            [method]: async (...args: never[]) => {
              const result = await original(...args);
              if (!landed && when(...args)) {
                landed = true;
                await removeTweet();
              }
              return result;
            },
          });
        };
        if (moment === 'before the create') await removeTweet();
        if (moment === 'after the record') landAfter(authorTweets, 'record');
        if (moment === 'after the rows') landAfter(homeTimelines, 'push', (readerIds: readonly string[]) => readerIds.includes('1'));
        if (moment === 'after the check') landAfter(deleted, 'has');
        const enqueue = vi.spyOn(queue, 'enqueue');
        await service.fanOut({ ...tweet, createdAt: at });
        await service.drain();
        const label = `${name}, delete ${moment}`;
        expect(await authorTweets.wasFannedOut(tweet), label).toBeUndefined();
        for (const reader of readers) {
          expect(homeTimelines.entriesOf(reader), `${label}, reader ${reader}`).toEqual([]);
          expect(service.ports.cache.peek(reader) ?? [], `${label}, reader ${reader}`).toEqual([]);
        }
        if (moment !== 'after the check') {
          // Caught by the check: nothing queued for followers, nothing announced on the author's channel.
          expect(enqueue.mock.calls.flat(2).filter((chunk) => chunk.action === 'add'), label).toEqual([]);
          expect(live.heard.filter((line) => line.startsWith('update author:')), label).toEqual([]);
        }
      }
    }
  });
});

describe('live updates for the streams', () => {
  it('when a tweet is fanned out in chunks and deleted, then each reader written hears update then delete, and a reader who unfollowed meanwhile hears no update', async () => {
    const service = aTimelineService({ chunkSize: 2 });
    for (const follower of ['31', '32', '33']) await follow(service, follower, '3');
    const tweetId = await post(service, '3');
    await follow(service, '33', '3', false);
    await service.drain();
    const updates = service.ports.live.heard.filter((line) => line.startsWith('update'));
    expect(updates.sort()).toEqual([`update 3 ${tweetId}`, `update 31 ${tweetId}`, `update 32 ${tweetId}`]);
    service.ports.live.heard.length = 0;
    await service.removeTweet({ tweetId, authorId: '3', deletedAt: at });
    await service.drain();
    expect(service.ports.live.heard.filter((line) => line.startsWith('delete 3')).length).toBeGreaterThan(0);
    expect(service.ports.live.heard).toEqual(expect.arrayContaining([`delete 31 ${tweetId}`, `delete 32 ${tweetId}`]));
  });

  it('when a merged-on-read author tweets and deletes, then one message goes to the author\'s channel each time, none per follower', async () => {
    const service = aTimelineService({ highFollowerThreshold: 3 });
    for (const follower of ['41', '42', '43', '44']) await follow(service, follower, '4');
    await post(service, '4');
    service.ports.live.heard.length = 0;
    const tweetId = await post(service, '4');
    // The author's channel hears of it once the check after writing found it not deleted.
    expect(service.ports.live.heard).toEqual([`update 4 ${tweetId}`, `update author:4 ${tweetId}`]);
    await service.removeTweet({ tweetId, authorId: '4', deletedAt: at });
    expect(service.ports.live.heard.slice(2)).toEqual([`delete 4 ${tweetId}`, `delete author:4 ${tweetId}`]);
  });

  it('when a reader unfollows, then each of the followee\'s tweets that left the timeline is a delete for that reader; a repeat removes and says nothing more', async () => {
    const service = aTimelineService();
    await follow(service, '35', '34');
    await follow(service, '35', '36');
    const gone = [await post(service, '34'), await post(service, '34')];
    const kept = await post(service, '36');
    service.ports.live.heard.length = 0;
    await follow(service, '35', '34', false);
    expect(service.ports.live.heard.sort()).toEqual(gone.map((id) => `delete 35 ${id}`).sort());
    expect(service.ports.live.heard.join()).not.toContain(kept);
    service.ports.live.heard.length = 0;
    await follow(service, '35', '34', false);
    expect(service.ports.live.heard).toEqual([]);
  });

  it('when a reader follows, then each of the followee\'s tweets copied into the timeline is an update for that reader, a deleted one none; an unfollow meanwhile sends none', async () => {
    const service = aTimelineService();
    await follow(service, '37', '3700');
    const kept = await post(service, '37');
    const removed = await post(service, '37');
    const alsoKept = await post(service, '37');
    await service.removeTweet({ tweetId: removed, authorId: '37', deletedAt: at });
    service.ports.live.heard.length = 0;
    await follow(service, '39', '37');
    expect(service.ports.live.heard.sort()).toEqual([`update 39 ${kept}`, `update 39 ${alsoKept}`].sort());
    service.ports.live.heard.length = 0;
    // A follow arriving after its later unfollow (out of order): nothing entered, nothing announced.
    await service.recordFollowChange({ followerId: '38', followeeId: '37', sequence: '900000002', following: false });
    await service.recordFollowChange({ followerId: '38', followeeId: '37', sequence: '900000001', following: true });
    expect(service.ports.live.heard).toEqual([]);
  });

  it('when a reader follows an author whose list still holds deleted tweets, then the stream hears the copied live ones only, from one marker read and one graph check for the merge', async () => {
    const service = aTimelineService();
    const [kept, gone] = [await post(service, '81'), await post(service, '81')];
    await service.ports.deleted.mark(gone);
    const counted = { among: 0, isFollowing: 0 };
    const { deleted, graph } = service.ports;
    const [among, isFollowing] = [deleted.among.bind(deleted), graph.isFollowing.bind(graph)];
    deleted.among = async (tweetIds) => ((counted.among += 1), among(tweetIds));
    graph.isFollowing = async (followerId, followeeId) => ((counted.isFollowing += 1), isFollowing(followerId, followeeId));
    service.ports.live.heard.length = 0;
    await follow(service, '82', '81');
    expect(service.ports.live.heard).toEqual([`update 82 ${kept}`]);
    expect(service.ports.homeTimelines.entriesOf('82').map((entry) => entry.tweetId)).toEqual([kept]);
    // recordFollowChange checks the pair once, mergeIntoHome once more after writing; the markers are read once.
    expect(counted).toEqual({ among: 1, isFollowing: 2 });
  });

  it('when a reader follows or unfollows a merged-on-read author, then their stream is told to hear or stop hearing the author, and the unfollow deletes the merged tweets', async () => {
    const service = aTimelineService({ highFollowerThreshold: 2 });
    for (const follower of ['46', '47', '48']) await follow(service, follower, '45');
    const merged = [await post(service, '45'), await post(service, '45')];
    await follow(service, '49', '38');
    service.ports.live.heard.length = 0;
    await follow(service, '49', '45');
    // The merged tweets enter the timeline (reads now merge them in): an update each, then the control message.
    expect(service.ports.live.heard.slice(0, -1).sort()).toEqual(merged.map((id) => `update 49 ${id}`).sort());
    expect(service.ports.live.heard.at(-1)).toBe('listen 49 author:45');
    service.ports.live.heard.length = 0;
    await follow(service, '49', '45', false);
    expect(service.ports.live.heard.filter((line) => line.startsWith('delete')).sort()).toEqual(merged.map((id) => `delete 49 ${id}`).sort());
    expect(service.ports.live.heard).toContain('unlisten 49 author:45');
    service.ports.live.heard.length = 0;
    // An author below the threshold: no control message either way.
    await follow(service, '49', '38', false);
    expect(service.ports.live.heard).toEqual([]);
  });

  it('when a reader follows merged-on-read authors, then listMergedAuthors names exactly those', async () => {
    const service = aTimelineService({ highFollowerThreshold: 2 });
    for (const author of ['5', '6']) for (const follower of ['51', '52', '53']) await follow(service, follower, author);
    await follow(service, '51', '7');
    for (const author of ['5', '6', '7']) await post(service, author);
    expect(await service.listMergedAuthors('51')).toEqual(['5', '6']);
    expect(await service.listMergedAuthors('59')).toEqual([]);
  });
});

describe('reads and the cache', () => {
  it('when the cache is flushed between two reads, or down, then the page is the same; a flushed reader is rebuilt on read', async () => {
    const service = aTimelineService();
    await follow(service, '101', '10');
    for (let i = 0; i < 5; i += 1) await post(service, '10');
    const first = await service.readHomeTimeline({ readerId: '101', limit: 3 });
    expect(service.ports.cache.peek('101')).toHaveLength(5);
    service.ports.cache.clear();
    expect(await service.readHomeTimeline({ readerId: '101', limit: 3 })).toEqual(first);
    const second = await service.readHomeTimeline({ readerId: '101', limit: 3, cursor: first.nextCursor! });
    expect(second.data).toHaveLength(2);
    service.ports.cache.down = true;
    expect(await service.readHomeTimeline({ readerId: '101', limit: 3 })).toEqual(first);
    expect(await service.readHomeTimeline({ readerId: '101', limit: 3, cursor: first.nextCursor! })).toEqual(second);
  });

  it('when a tweet the timeline holds has been deleted at the tweet service, then the page leaves it out but the cursor still moves past it', async () => {
    const service = aTimelineService();
    const [a, b, c] = [await post(service, '11'), await post(service, '11'), await post(service, '11')];
    service.ports.tweets.known.delete(b);
    const page = await service.readHomeTimeline({ readerId: '11', limit: 2 });
    expect(page.data.map((t) => t.id)).toEqual([c]);
    const next = await service.readHomeTimeline({ readerId: '11', limit: 2, cursor: page.nextCursor! });
    expect(next.data.map((t) => t.id)).toEqual([a]);
  });

  it('when more than 800 tweets reach a timeline, then fan-out trims the store back towards 800, newest kept, and the cache to 800', async () => {
    const service = aTimelineService();
    await service.readHomeTimeline({ readerId: '12', limit: 1 }); // builds an empty cache entry
    const posted: string[] = [];
    for (let i = 0; i < MAX_HOME_ITEMS + 100; i += 1) posted.push(await post(service, '12'));
    // Trims run on about one tweet in TRIM_EVERY, so the store may hold a few past 800 between trims, never 900.
    const kept = service.ports.homeTimelines.entriesOf('12').map((entry) => entry.tweetId);
    expect(kept.length).toBeGreaterThanOrEqual(MAX_HOME_ITEMS);
    expect(kept.length).toBeLessThan(MAX_HOME_ITEMS + 100);
    expect(kept).toEqual(posted.slice(-kept.length).reverse());
    expect(service.ports.cache.peek('12')).toEqual(posted.slice(-MAX_HOME_ITEMS).reverse());
  });

  it('when a trimming tweet reaches a full cached timeline, one within the depth and uncached ones, then only the full one is cut, below what its cache kept, and only the uncached are counted', async () => {
    const service = aTimelineService();
    const { homeTimelines, cache } = service.ports;
    for (const follower of ['91', '92', '93']) await follow(service, follower, '90');
    const old = Array.from({ length: MAX_HOME_ITEMS }, () => ids.next());
    await homeTimelines.pushMany('91', old.map((tweetId) => ({ tweetId, authorId: '80' })));
    await cache.rebuild('91', async () => [...old].reverse());
    await cache.rebuild('92', async () => []);
    const cut: unknown[] = [];
    const counted: string[][] = [];
    const [trimBelow, trim] = [homeTimelines.trimBelow.bind(homeTimelines), homeTimelines.trim.bind(homeTimelines)];
    homeTimelines.trimBelow = async (cuts) => {
      cut.push(...cuts);
      await trimBelow(cuts);
    };
    homeTimelines.trim = async (readerIds) => {
      counted.push([...readerIds]);
      await trim(readerIds);
    };
    let tweetId = ids.next();
    while (!shouldTrim(tweetId)) tweetId = ids.next();
    service.ports.tweets.known.add(tweetId);
    await service.fanOut({ tweetId, authorId: '90', createdAt: at });
    expect(cut).toEqual([{ readerId: '91', oldestKept: old[1] }]);
    expect(counted.flat().sort()).toEqual(['90', '93']);
    expect(homeTimelines.entriesOf('91').map((entry) => entry.tweetId)).toEqual([tweetId, ...old.slice(1).reverse()]);
    expect(homeTimelines.entriesOf('92').map((entry) => entry.tweetId)).toEqual([tweetId]);
  });

  it('when the cursor is malformed, then INVALID_CURSOR', async () => {
    const service = aTimelineService();
    await expect(service.readHomeTimeline({ readerId: '1', limit: 5, cursor: 'bad' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
