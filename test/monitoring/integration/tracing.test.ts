// One trace shows the whole path of a post: the platform runs with tracing on (NODE_OPTIONS
// --import @chirp/common/tracing, OTLP to a real Jaeger), a tweet is posted through the gateway
// with a traceparent the test chose, and Jaeger's query API must hold, under that trace id, the
// gateway route, the tweet service with its Postgres insert, the outbox publish, the timeline
// consumer's handling and its Cassandra and Redis fan-out writes.
import { randomBytes } from 'node:crypto';
import { eventually } from '@chirp/testing/eventually';
import { type JaegerSpan, type JaegerTrace, type RunningJaeger, startJaeger } from '@chirp/testing/jaeger';
import { type Platform, SERVICES, startPlatform } from '@chirp/testing/platform';
import { type Api, callUntilServed, createApi, signUp } from '@chirp/testing/public-api';
import { afterAll, beforeAll, expect, it } from 'vitest';

let jaeger: RunningJaeger;
let platform: Platform;
let api: Api;

beforeAll(async () => {
  jaeger = await startJaeger();
  const tracing = { NODE_OPTIONS: '--import @chirp/common/tracing', OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
  platform = await startPlatform({ logLevel: 'warn', serviceEnv: Object.fromEntries(SERVICES.map((name) => [name, tracing])) });
  api = createApi(platform.gatewayUrl);
}, 600_000); // the first run builds Jaeger (scripts/jaeger.sh); `make test` does that before the tests

afterAll(async () => {
  await platform?.stop();
  await jaeger?.stop();
});

/** A span's tag as text ('' when absent). */
const tag = (span: JaegerSpan, key: string): string => {
  const value = span.tags.find((t) => t.key === key)?.value;
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
};
// The instrumentations speak the stable database conventions: `db.system.name`, `db.query.text`.
const dbSystem = (span: JaegerSpan) => tag(span, 'db.system.name');
const statement = (span: JaegerSpan) => tag(span, 'db.query.text');
const service = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.serviceName;

it('when a tweet is posted through the gateway, then its trace holds every hop from the route to the fan-out writes', async () => {
  const ada = await signUp(api, 'trace_ada');
  const bob = await signUp(api, 'trace_bob');
  expect((await callUntilServed(api, 'PUT', '/v1/users/me/following/trace_ada', { token: bob })).status).toBe(204);
  const traceId = randomBytes(16).toString('hex');

  // Tried again on a 503 with the same traceparent: a retried post stays in the trace.
  const posted = await callUntilServed(api, 'POST', '/v1/tweets', { token: ada, body: { text: 'one trace, end to end' }, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  expect(posted.status).toBe(201);
  await eventually(async () => {
    const home = await api.call('GET', '/v1/timelines/home', { token: bob, timeoutMs: 30_000 });
    return ((home.body.data as Array<{ id: string }> | undefined) ?? []).some((tweet) => tweet.id === posted.body.id);
  }, "the tweet in bob's home timeline", 30_000);

  const has = {
    gatewayRoute: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'gateway' && tag(s, 'http.route') === '/v1/tweets',
    tweetRoute: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'tweet' && tag(s, 'http.route').endsWith('/tweets'),
    postgresInsert: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'tweet' && dbSystem(s) === 'postgresql' && /\bINSERT INTO tweets\b/i.test(statement(s)),
    outboxPublish: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'tweet' && s.operationName === 'publish tweet.created',
    timelineHandling: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'timeline' && s.operationName === 'process tweet.created',
    cassandraWrite: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'timeline' && dbSystem(s) === 'cassandra' && /^INSERT INTO home_timeline/i.test(statement(s)),
    // The home timeline cache's push: a script on the reader's `home:<id>` list.
    redisWrite: (t: JaegerTrace, s: JaegerSpan) => service(t, s) === 'timeline' && dbSystem(s) === 'redis' && / home:\d+ /.test(statement(s)),
  };
  let found: Record<keyof typeof has, boolean> | undefined;
  await eventually(async () => {
    const trace = await jaeger.trace(traceId);
    if (!trace) return false;
    found = Object.fromEntries(Object.entries(has).map(([name, test]) => [name, trace.spans.some((span) => test(trace, span))])) as Record<keyof typeof has, boolean>;
    return Object.values(found).every(Boolean);
  }, 'every hop of the post in its trace', 30_000).catch(() => undefined);

  expect(found).toEqual({ gatewayRoute: true, tweetRoute: true, postgresInsert: true, outboxPublish: true, timelineHandling: true, cassandraWrite: true, redisWrite: true });
  const trace = (await jaeger.trace(traceId))!;
  expect(new Set(trace.spans.map((span) => span.traceID))).toEqual(new Set([traceId]));
}, 180_000);
