import type { TweetJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { ServiceClient } from '@chirp/common/service-client';
import type { TimelineService } from '../use-cases/ports.ts';
import { downstreamCalls, pageQuery, segment } from './downstream-answer.ts';

/** The timeline service's internal API behind the TimelineService port. */
export function createHttpTimelineService(client: ServiceClient): TimelineService {
  const send = downstreamCalls(client, 'timeline');
  return {
    readHome: (readerId, page, ctx) =>
      send<Page<TweetJson>>(200, { method: 'GET', path: `/v1/users/${segment(readerId)}/home`, query: pageQuery(page, undefined) }, ctx),
  };
}
