import { timelineCacheContract } from '../contract/timeline-cache.contract.ts';
import { timelineStoreContract } from '../contract/timeline-store.contract.ts';
import { createInMemoryTimelineCache } from '../fakes/fake-ports.ts';
import { createInMemoryTimelineStore } from '../fakes/in-memory-timeline-store.ts';

timelineStoreContract('in memory', async () => createInMemoryTimelineStore());
timelineCacheContract('in memory', async () => createInMemoryTimelineCache());
