// Chirp's Grafana dashboards, declared once: `node scripts/grafana-dashboards.ts` writes them as JSON
// into k8s/components/monitoring/dashboards/ (ConfigMaps for Grafana's sidecar). test/monitoring checks
// the files are what this declares, and sends every query to a real Prometheus scraping the platform.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PanelSpec {
  title: string;
  unit: string;
  /** PromQL and its legend. */
  queries: ReadonlyArray<readonly [expr: string, legend: string]>;
  description: string;
  /**
   * Why this panel may show nothing on a healthy platform (its series appear only on a failure or
   * a rejection); the dashboard test then checks that its metrics exist but not that it has data.
   */
  emptyWhenHealthy?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  rows: ReadonlyArray<{ title: string; panels: readonly PanelSpec[] }>;
}

const rate = (selector: string) => `rate(${selector}[5m])`;
const p = (quantile: number, by: string, bucket: string) => `histogram_quantile(${quantile}, sum by (${by}le) (rate(${bucket}[5m])))`;
/** A ratio that is 0 rather than absent while the numerator has no series (no 5xx yet). */
const ratio = (numerator: string, denominator: string) => `(${numerator} or ${denominator} * 0) / ${denominator}`;

function red(job: string): PanelSpec[] {
  const requests = `http_requests_total{${job}}`;
  return [
    {
      title: 'Requests per second by route',
      unit: 'reqps',
      queries: [[`sum by (method, route) (${rate(requests)})`, '{{method}} {{route}}']],
      description: 'Requests served, probes left out.',
    },
    {
      title: '5xx ratio by route',
      unit: 'percentunit',
      queries: [
        [
          ratio(`sum by (method, route) (${rate(`http_requests_total{${job}, status_code=~"5.."}`)})`, `sum by (method, route) (${rate(requests)})`),
          '{{method}} {{route}}',
        ],
      ],
      description: 'Share of answers that are server errors; alert ChirpHigh5xxRatio fires above 2% per service.',
    },
    {
      title: '4xx answers per second by route and status',
      unit: 'reqps',
      queries: [[`sum by (route, status_code) (${rate(`http_requests_total{${job}, status_code=~"4.."}`)})`, '{{route}} {{status_code}}']],
      description: 'Client errors: validation, not found, rate limited, conflicts.',
      emptyWhenHealthy: 'only clients that send something wrong produce 4xx',
    },
    {
      title: 'Latency by route (p50, p99)',
      unit: 's',
      queries: [
        [p(0.5, 'method, route, ', `http_request_duration_seconds_bucket{${job}}`), 'p50 {{method}} {{route}}'],
        [p(0.99, 'method, route, ', `http_request_duration_seconds_bucket{${job}}`), 'p99 {{method}} {{route}}'],
      ],
      description: 'Arrival to response sent.',
    },
  ];
}

function runtime(job: string): PanelSpec[] {
  return [
    {
      title: 'Event-loop delay (p50, p99) per process',
      unit: 's',
      queries: [
        [`nodejs_eventloop_lag_p50_seconds{${job}}`, 'p50 {{instance}}'],
        [`nodejs_eventloop_lag_p99_seconds{${job}}`, 'p99 {{instance}}'],
      ],
      description: 'How late timers and I/O callbacks run (prom-client, perf_hooks.monitorEventLoopDelay): CPU starvation or blocking work.',
    },
    {
      title: 'CPU per process',
      unit: 'percentunit',
      queries: [[rate(`process_cpu_seconds_total{${job}}`), '{{instance}}']],
      description: 'Cores used (1 = one core).',
    },
    {
      title: 'Memory per process',
      unit: 'bytes',
      queries: [
        [`process_resident_memory_bytes{${job}}`, 'resident {{instance}}'],
        [`nodejs_heap_size_used_bytes{${job}}`, 'heap used {{instance}}'],
      ],
      description: 'Resident set and V8 heap in use.',
    },
  ];
}

function messaging(job: string, options: { outbox: boolean }): PanelSpec[] {
  return [
    ...(options.outbox
      ? [
          {
            title: 'Outbox backlog',
            unit: 'short',
            queries: [[`max(chirp_outbox_pending_events{${job}})`, 'pending events']],
            description: 'Events written with their change and not yet published to SNS; alert ChirpOutboxBacklogGrowing.',
          } as const,
          {
            title: 'Oldest unpublished event',
            unit: 's',
            queries: [[`max(chirp_outbox_oldest_pending_age_seconds{${job}})`, 'age']],
            description: 'How long the oldest pending outbox row has waited; alert ChirpOutboxStuck above 2 minutes.',
          } as const,
        ]
      : []),
    {
      title: 'Events consumed per second by type and outcome',
      unit: 'ops',
      queries: [[`sum by (type, outcome) (${rate(`chirp_events_consumed_total{${job}}`)})`, '{{type}} {{outcome}}']],
      description: 'handled: done and deleted; failed: retried after a backoff; dead_lettered: malformed or unknown, moved at once.',
    },
    {
      title: 'Event handling time (p99) by type',
      unit: 's',
      queries: [[p(0.99, 'type, ', `chirp_event_handling_duration_seconds_bucket{${job}}`), '{{type}}']],
      description: 'Receipt to deletion of one message.',
    },
    {
      title: 'Event age when handled (p99) by type',
      unit: 's',
      queries: [[p(0.99, 'type, ', `chirp_event_age_seconds_bucket{${job}}`), '{{type}}']],
      description: 'Event occurred → handled: outbox, SNS and the wait in the queue; alert ChirpQueueEventsOld.',
    },
    {
      title: 'Queue and dead-letter queue depth',
      unit: 'short',
      queries: [[`max by (queue, state) (chirp_sqs_messages{${job}})`, '{{queue}} {{state}}']],
      description: 'Messages waiting (visible), being handled (in_flight) and delayed, from SQS; anything on the -dlq needs a look.',
    },
  ];
}

const postgresPool = (job: string): PanelSpec => ({
  title: 'Postgres pool',
  unit: 'short',
  queries: [[`sum by (state) (chirp_pg_pool_clients{${job}})`, '{{state}}']],
  description: 'Connections in the pool and queries waiting for one: waiting above 0 for long means the pool is too small or Postgres too slow.',
});
const redisConnected = (job: string): PanelSpec => ({
  title: 'Redis connected',
  unit: 'short',
  queries: [[`min(chirp_redis_connected{${job}})`, 'connected (every process)']],
  description: '1 while every process has a ready Redis connection.',
});
const breakers = (job: string): PanelSpec => ({
  title: 'Circuit breakers open',
  unit: 'short',
  queries: [[`max by (downstream) (chirp_downstream_breaker_open{${job}})`, '{{downstream}}']],
  description: '1 while calls to that service fail fast with 503; alert ChirpBreakerOpen.',
});
const downstreamLatency = (job: string): PanelSpec => ({
  title: 'Downstream call latency (p99)',
  unit: 's',
  queries: [[p(0.99, 'downstream, ', `chirp_downstream_request_duration_seconds_bucket{${job}}`), 'p99 {{downstream}}']],
  description: 'Each attempt of a call to another service (retries counted apart).',
});

const GATEWAY = 'job="gateway"';
const USER = 'job="user"';
const TWEET = 'job="tweet"';
// Locally one process (job timeline); in Kubernetes timeline-api and timeline-consumer.
const TIMELINE = 'job=~"timeline.*"';
const NOTIFICATION = 'job="notification"';
const SERVICES = 'job=~"user|tweet|timeline.*|notification|gateway"';

export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: 'chirp-overview',
    title: 'Chirp / Overview',
    rows: [
      {
        title: 'Services (rate, errors, duration)',
        panels: [
          {
            title: 'Requests per second by service',
            unit: 'reqps',
            queries: [[`sum by (job) (${rate(`http_requests_total{${SERVICES}}`)})`, '{{job}}']],
            description: 'Every route but the probes.',
          },
          {
            title: '5xx ratio by service',
            unit: 'percentunit',
            queries: [
              [
                ratio(`sum by (job) (${rate(`http_requests_total{${SERVICES}, status_code=~"5.."}`)})`, `sum by (job) (${rate(`http_requests_total{${SERVICES}}`)})`),
                '{{job}}',
              ],
            ],
            description: 'Alert ChirpHigh5xxRatio above 2%.',
          },
          {
            title: 'Latency p99 by service',
            unit: 's',
            queries: [[p(0.99, 'job, ', `http_request_duration_seconds_bucket{${SERVICES}}`), '{{job}}']],
            description: 'Through the gateway this is what clients see.',
          },
          {
            title: 'Event-loop delay p99 by service (worst process)',
            unit: 's',
            queries: [[`max by (job) (nodejs_eventloop_lag_p99_seconds{${SERVICES}})`, '{{job}}']],
            description: 'A busy or blocked Node process delays every request it holds.',
          },
        ],
      },
      {
        title: 'Fan-out',
        panels: [
          {
            title: 'Fan-out lag (p50, p99)',
            unit: 's',
            queries: [
              [p(0.5, '', 'chirp_timeline_fanout_lag_seconds_bucket'), 'p50'],
              [p(0.99, '', 'chirp_timeline_fanout_lag_seconds_bucket'), 'p99'],
            ],
            description: 'Tweet created → its followers’ entries written; alert ChirpFanoutLagHigh above 30 s.',
          },
          {
            title: 'Timeline entries written per second',
            unit: 'ops',
            queries: [[`sum(${rate('chirp_timeline_entries_written_total')})`, 'entries']],
            description: 'Home-timeline rows written by fan-out.',
          },
        ],
      },
      {
        title: 'Queues',
        panels: [
          {
            title: 'Messages waiting by queue',
            unit: 'short',
            queries: [[`max by (queue) (chirp_sqs_messages{state="visible", queue!~".*-dlq"})`, '{{queue}}']],
            description: 'SQS visible messages; alert ChirpQueueBacklogHigh.',
          },
          {
            title: 'Dead-letter queues',
            unit: 'short',
            queries: [[`max by (queue) (chirp_sqs_messages{state="visible", queue=~".*-dlq"})`, '{{queue}}']],
            description: 'Anything here is an event no handler could take; alert ChirpDeadLetterQueueNotEmpty.',
          },
          {
            title: 'Events consumed per second by queue and outcome',
            unit: 'ops',
            queries: [[`sum by (queue, outcome) (${rate('chirp_events_consumed_total')})`, '{{queue}} {{outcome}}']],
            description: 'handled, failed (retried), dead_lettered.',
          },
          {
            title: 'Event age when handled (p99) by queue',
            unit: 's',
            queries: [[p(0.99, 'queue, ', 'chirp_event_age_seconds_bucket'), '{{queue}}']],
            description: 'Event occurred → handled; alert ChirpQueueEventsOld.',
          },
        ],
      },
      {
        title: 'Stores and downstreams',
        panels: [
          {
            title: 'Outbox backlog by service',
            unit: 'short',
            queries: [[`max by (job) (chirp_outbox_pending_events)`, '{{job}}']],
            description: 'Events not yet published (Postgres).',
          },
          {
            title: 'Oldest unpublished event by service',
            unit: 's',
            queries: [[`max by (job) (chirp_outbox_oldest_pending_age_seconds)`, '{{job}}']],
            description: 'Alert ChirpOutboxStuck above 2 minutes.',
          },
          {
            title: 'Postgres pool waiting by service',
            unit: 'short',
            queries: [[`sum by (job) (chirp_pg_pool_clients{state="waiting"})`, '{{job}}']],
            description: 'Queries queued for a pooled connection.',
          },
          {
            title: 'Redis connected by service',
            unit: 'short',
            queries: [[`min by (job) (chirp_redis_connected)`, '{{job}}']],
            description: '0: a process has no Redis (the gateway limits per replica, caches miss).',
          },
          {
            title: 'Cassandra requests in flight and hosts',
            unit: 'short',
            queries: [
              [`sum by (job) (chirp_cassandra_in_flight_requests)`, 'in flight {{job}}'],
              [`min by (job) (chirp_cassandra_connected_hosts)`, 'hosts {{job}}'],
            ],
            description: 'Requests waiting on Cassandra, and the hosts each process holds.',
          },
          {
            title: 'Circuit breakers open',
            unit: 'short',
            queries: [[`max by (job, downstream) (chirp_downstream_breaker_open)`, '{{job}} → {{downstream}}']],
            description: 'Alert ChirpBreakerOpen.',
          },
          {
            title: 'Rate-limiter failures per second',
            unit: 'ops',
            queries: [[`sum(${rate('chirp_gateway_rate_limiter_failures_total')})`, 'failures']],
            description: "Checks answered by a replica's own budget because the gateway's Redis failed.",
          },
        ],
      },
    ],
  },
  {
    uid: 'chirp-gateway',
    title: 'Chirp / Gateway',
    rows: [
      { title: 'Public routes', panels: red(GATEWAY) },
      {
        title: 'Downstreams and limits',
        panels: [
          downstreamLatency(GATEWAY),
          {
            title: 'Downstream attempts per second by outcome',
            unit: 'ops',
            queries: [[`sum by (downstream, outcome) (${rate(`chirp_downstream_request_duration_seconds_count{${GATEWAY}}`)})`, '{{downstream}} {{outcome}}']],
            description: 'Status codes, or error (timeouts, refused connections).',
          },
          breakers(GATEWAY),
          {
            title: 'Breaker transitions',
            unit: 'short',
            queries: [[`sum by (downstream, state) (increase(chirp_downstream_breaker_transitions_total{${GATEWAY}}[5m]))`, '{{downstream}} {{state}}']],
            description: 'Opens, half-opens and closes in the last 5 minutes.',
            emptyWhenHealthy: 'a breaker that never moved has no transitions',
          },
          {
            title: 'Rate-limited requests per second by policy',
            unit: 'reqps',
            queries: [[`sum by (policy) (${rate(`chirp_gateway_rate_limited_total{${GATEWAY}}`)})`, '{{policy}}']],
            description: 'Answered 429.',
            emptyWhenHealthy: 'only clients over their budget are limited',
          },
          {
            title: 'Rate-limiter failures per second',
            unit: 'ops',
            queries: [[`sum(${rate(`chirp_gateway_rate_limiter_failures_total{${GATEWAY}}`)})`, 'failures']],
            description: 'Alert ChirpRateLimiterFailing.',
          },
          redisConnected(GATEWAY),
        ],
      },
      { title: 'Processes', panels: runtime(GATEWAY) },
    ],
  },
  {
    uid: 'chirp-user',
    title: 'Chirp / User service',
    rows: [
      { title: 'Routes', panels: red(USER) },
      { title: 'Events (outbox, tweet-event queue)', panels: [...messaging(USER, { outbox: true }), postgresPool(USER)] },
      { title: 'Processes', panels: runtime(USER) },
    ],
  },
  {
    uid: 'chirp-tweet',
    title: 'Chirp / Tweet service',
    rows: [
      { title: 'Routes', panels: red(TWEET) },
      { title: 'Events (outbox, user-event queue)', panels: [...messaging(TWEET, { outbox: true }), postgresPool(TWEET), redisConnected(TWEET)] },
      { title: 'Processes', panels: runtime(TWEET) },
    ],
  },
  {
    uid: 'chirp-timeline',
    title: 'Chirp / Timeline service',
    rows: [
      { title: 'Home reads', panels: [...red(TIMELINE), downstreamLatency(TIMELINE), breakers(TIMELINE)] },
      {
        title: 'Fan-out',
        panels: [
          {
            title: 'Fan-out lag (p50, p90, p99)',
            unit: 's',
            queries: [0.5, 0.9, 0.99].map((q) => [p(q, '', `chirp_timeline_fanout_lag_seconds_bucket{${TIMELINE}}`), `p${q * 100}`] as const),
            description: 'Tweet created → a chunk of followers’ entries written.',
          },
          {
            title: 'Entries written per second',
            unit: 'ops',
            queries: [[`sum(${rate(`chirp_timeline_entries_written_total{${TIMELINE}}`)})`, 'entries']],
            description: 'Home-timeline rows written by fan-out.',
          },
          ...messaging(TIMELINE, { outbox: false }),
        ],
      },
      {
        title: 'Stores',
        panels: [
          {
            title: 'Cassandra requests in flight and hosts',
            unit: 'short',
            queries: [
              [`chirp_cassandra_in_flight_requests{${TIMELINE}}`, 'in flight {{instance}}'],
              [`chirp_cassandra_connected_hosts{${TIMELINE}}`, 'hosts {{instance}}'],
            ],
            description: 'Requests waiting on Cassandra, and the hosts each process holds.',
          },
          redisConnected(TIMELINE),
        ],
      },
      { title: 'Processes', panels: runtime(TIMELINE) },
    ],
  },
  {
    uid: 'chirp-notification',
    title: 'Chirp / Notification service',
    rows: [
      { title: 'Routes (internal, through the gateway)', panels: [...red(NOTIFICATION), downstreamLatency(NOTIFICATION), breakers(NOTIFICATION)] },
      {
        title: 'Notifications (user- and tweet-event queue)',
        panels: [
          {
            title: 'Notifications created per second by type',
            unit: 'ops',
            queries: [[`sum by (type) (${rate(`chirp_notifications_created_total{${NOTIFICATION}}`)})`, '{{type}}']],
            description: 'Follows, mentions, replies and likes stored; a repeated act is not counted.',
          },
          {
            title: 'Push failures per second',
            unit: 'ops',
            queries: [[`sum(${rate(`chirp_notification_push_failures_total{${NOTIFICATION}}`)})`, 'failures']],
            description: "Pushes to the stream Redis that failed: the notifications are stored and clients get them when they reconnect (Last-Event-ID).",
          },
          ...messaging(NOTIFICATION, { outbox: false }),
          postgresPool(NOTIFICATION),
          redisConnected(NOTIFICATION),
        ],
      },
      { title: 'Processes', panels: runtime(NOTIFICATION) },
    ],
  },
];

const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

/** The Grafana JSON model of a dashboard: rows of time-series panels on the `datasource` variable. */
export function toGrafana(spec: DashboardSpec): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  const panels: unknown[] = [];
  let y = 0;
  let id = 1;
  for (const row of spec.rows) {
    panels.push({ type: 'row', id: id++, title: row.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    row.panels.forEach((panel, index) => {
      panels.push({
        type: 'timeseries',
        id: id++,
        title: panel.title,
        description: panel.description,
        datasource,
        gridPos: { x: (index % 3) * PANEL_WIDTH, y: y + Math.floor(index / 3) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
        targets: panel.queries.map(([expr, legendFormat], index) => ({ refId: String.fromCharCode(65 + index), datasource, expr, legendFormat })),
      });
    });
    y += Math.ceil(row.panels.length / 3) * PANEL_HEIGHT;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    tags: ['chirp'],
    editable: false,
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus' }] },
    links: [{ title: 'Chirp dashboards', type: 'dashboards', tags: ['chirp'], asDropdown: true }],
    panels,
  };
}

export const dashboardFile = (spec: DashboardSpec) => `${spec.uid}.json`;
export const DASHBOARD_DIR = fileURLToPath(new URL('../k8s/components/monitoring/dashboards/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const spec of DASHBOARDS) writeFileSync(`${DASHBOARD_DIR}${dashboardFile(spec)}`, `${JSON.stringify(toGrafana(spec), null, 2)}\n`);
  console.log(`wrote ${DASHBOARDS.length} dashboards to ${DASHBOARD_DIR}`);
}
