// Every dashboard panel's query and every alert rule, sent to a real Prometheus scraping the real
// platform (the timeline split into api and consumer as in Kubernetes, jobs named as the PodMonitor
// names them) after a short load through the gateway. Each must parse, every metric it names must
// be one the services expose, and each dashboard query must return a series.
import { eventually } from '@chirp/testing/eventually';
import { type Platform, startPlatform } from '@chirp/testing/platform';
import { type RunningPrometheus, startPrometheus } from '@chirp/testing/prometheus';
import { callUntilServed, createApi, signUp } from '@chirp/testing/public-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleFileText } from '../../../scripts/prometheus-rules.ts';
import { alertQueries, dashboardQueries, metricNamesOf, type Query } from '../promql.ts';

// kube-state-metrics' series exist only in Kubernetes (kube-prometheus-stack runs it).
const KUBERNETES_ONLY = new Set(['kube_pod_container_status_restarts_total']);
// This test's Prometheus, inside the port range of the monitoring work.
const PROMETHEUS_PORTS = [29090, 29091, 29092, 29093, 29094];

let platform: Platform;
let prometheus: RunningPrometheus;
let names: { sampled: Set<string>; described: Set<string> };

const hostPort = (url: string) => new URL(url).host;

/** One call through the gateway, tried again on a 503: the load is there to make metrics, not to test the API. */
const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) => callUntilServed(createApi(platform.gatewayUrl), method, path, options);

/** Accounts that follow each other, posts, replies, likes and reads: every service and queue gets work. */
async function load(): Promise<void> {
  const handles = ['obs_ada', 'obs_bob', 'obs_cy'];
  const tokens: Record<string, string> = {};
  for (const handle of handles) tokens[handle] = await signUp(createApi(platform.gatewayUrl), handle);
  for (const [follower, followee] of [['obs_bob', 'obs_ada'], ['obs_cy', 'obs_ada'], ['obs_ada', 'obs_bob']] as const) {
    expect((await call('PUT', `/v1/users/me/following/${followee}`, { token: tokens[follower] })).status).toBe(204);
  }
  const posted: string[] = [];
  for (let i = 0; i < 5; i++) {
    const tweet = await call('POST', '/v1/tweets', { token: tokens.obs_ada, body: { text: `dashboards ${i} #observability @obs_bob` } });
    expect(tweet.status).toBe(201);
    posted.push(tweet.body.id as string);
  }
  expect((await call('POST', '/v1/tweets', { token: tokens.obs_bob, body: { text: 'a reply', replyToId: posted[0] } })).status).toBe(201);
  expect((await call('PUT', `/v1/tweets/${posted[1]}/like`, { token: tokens.obs_cy })).status).toBe(204);
  // Fan-out has reached a follower, so the consumer's histograms have observations.
  await eventually(async () => {
    const home = await call('GET', '/v1/timelines/home', { token: tokens.obs_bob });
    const ids = new Set(((home.body.data as Array<{ id: string }> | undefined) ?? []).map((tweet) => tweet.id));
    return posted.every((id) => ids.has(id));
  }, "ada's tweets in bob's home timeline", 30_000);
  // The mentions have reached bob's notifications: reading them hydrates their tweets from the tweet service.
  await eventually(async () => {
    const page = await call('GET', '/v1/notifications', { token: tokens.obs_bob });
    return ((page.body.data as Array<{ type: string }> | undefined) ?? []).some((notification) => notification.type === 'mention');
  }, "ada's mentions in bob's notifications", 30_000);
  for (let round = 0; round < 5; round++) {
    for (const handle of handles) expect((await call('GET', '/v1/timelines/home', { token: tokens[handle] })).status).toBe(200);
    expect((await call('GET', '/v1/users/obs_ada/tweets')).status).toBe(200);
    expect((await call('GET', '/v1/search/tweets?q=%23observability')).status).toBe(200);
    expect((await call('GET', '/v1/users/obs_nobody')).status).toBe(404);
    for (const handle of handles) expect((await call('GET', '/v1/notifications', { token: tokens[handle] })).status).toBe(200);
  }
}

beforeAll(async () => {
  platform = await startPlatform({ splitTimeline: true, logLevel: 'warn' });
  prometheus = await startPrometheus({
    ports: PROMETHEUS_PORTS,
    rules: ruleFileText(),
    jobs: {
      user: [hostPort(platform.services.user.url)],
      tweet: [hostPort(platform.services.tweet.url)],
      'timeline-api': [hostPort(platform.services.timeline.url)],
      'timeline-consumer': [hostPort(platform.timelineConsumer!.url)],
      notification: [hostPort(platform.services.notification.url)],
      gateway: [hostPort(platform.gatewayUrl)],
    },
  });
  await load();
  // Two scrapes after the load at least, so every rate() has two samples that saw it.
  await eventually(async () => {
    const result = await prometheus.query('count(count_over_time(up[30s]) >= 5)');
    return Number(result.data?.result[0]?.value?.[1] ?? 0) === 6;
  }, 'six targets scraped at least five times each', 30_000);
  await new Promise((resolve) => setTimeout(resolve, 4500)); // two scrapes (2 s apart) after the load
  names = await prometheus.metricNames();
}, 240_000);

afterAll(async () => {
  await prometheus?.stop();
  await platform?.stop();
});

/** What is wrong with one query against the running Prometheus: it does not parse, names an unknown metric, or is empty when it must not be. */
async function problemsOf(query: Query): Promise<string[]> {
  const problems: string[] = [];
  const result = await prometheus.query(query.expr);
  if (result.status !== 'success') return [`${query.where}: ${result.errorType}: ${result.error}`];
  for (const name of metricNamesOf(query.expr)) {
    if (!names.sampled.has(name) && !names.described.has(name) && !KUBERNETES_ONLY.has(name)) problems.push(`${query.where}: no service exposes ${name}`);
  }
  if (!query.emptyWhenHealthy && (result.data?.result.length ?? 0) === 0) problems.push(`${query.where}: no series for ${query.expr}`);
  return problems;
}

describe('dashboard and alert queries against Prometheus scraping the platform', () => {
  it('when the targets are scraped, then each service is up under its PodMonitor job name', async () => {
    const up = await prometheus.query('up');

    expect(up.data?.result.map((series: { metric: Record<string, string>; value?: [number, string] }) => `${series.metric.job}=${series.value?.[1]}`).sort()).toEqual(['gateway=1', 'notification=1', 'timeline-api=1', 'timeline-consumer=1', 'tweet=1', 'user=1']);
  });

  it('when every dashboard query is run, then each parses, names exposed metrics and returns a series', async () => {
    const queries = dashboardQueries();
    const problems = (await Promise.all(queries.map(problemsOf))).flat();

    expect(queries.length).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  });

  it('when every alert rule is run, then each parses and names exposed metrics', async () => {
    const queries = alertQueries();
    const problems = (await Promise.all(queries.map(problemsOf))).flat();

    expect(queries.length).toBe(14);
    expect(problems).toEqual([]);
  });

  it('when Prometheus evaluates the loaded rules, then it has them all and none fires on this healthy platform', async () => {
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; state: string }> }> } };
    const loaded = rules.data.groups.flatMap((group) => group.rules);

    expect(loaded.map((rule) => rule.name).sort()).toEqual(alertQueries().map((query) => query.where.replace('alert ', '')).sort());
    expect(loaded.filter((rule) => rule.health !== 'ok' && rule.health !== 'unknown')).toEqual([]);
    expect(loaded.filter((rule) => rule.state === 'firing').map((rule) => rule.name)).toEqual([]);
  });

  it('when a panel misspells a metric, breaks the syntax or selects nothing, then each is reported', async () => {
    const misspelt = await problemsOf({ where: 'misspelt', expr: 'sum by (job) (rate(http_request_total[5m]))' });
    const broken = await problemsOf({ where: 'broken', expr: 'sum by (job) (rate(http_requests_total[5m])' });
    const empty = await problemsOf({ where: 'empty', expr: 'http_requests_total{job="no-such-service"}' });

    expect(misspelt).toEqual(['misspelt: no service exposes http_request_total', 'misspelt: no series for sum by (job) (rate(http_request_total[5m]))']);
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^broken: bad_data: .*parse error/);
    expect(empty).toEqual(['empty: no series for http_requests_total{job="no-such-service"}']);
  });
});
