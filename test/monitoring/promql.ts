// What the dashboard test needs to read PromQL: the metric names an expression selects, from
// Prometheus's own grammar (@prometheus-io/lezer-promql), and every expression of the dashboards and rules.
import { parser } from '@prometheus-io/lezer-promql';
import { DASHBOARDS } from '../../scripts/grafana-dashboards.ts';
import { ruleGroups } from '../../scripts/prometheus-rules.ts';

/** The metric names of every vector selector in `expr` (`foo{a="b"}` and `{__name__="foo"}` alike). */
export function metricNamesOf(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher') {
        const match = /^__name__\s*=\s*"([^"]+)"$/.exec(expr.slice(node.from, node.to));
        if (match) names.add(match[1]!);
      }
    },
  });
  return [...names];
}

export interface Query {
  /** Where it is: dashboard and panel, or the alert. */
  where: string;
  expr: string;
  /** Why it may return nothing on a healthy platform; undefined when it must return a series. */
  emptyWhenHealthy?: string;
}

export function dashboardQueries(): Query[] {
  return DASHBOARDS.flatMap((dashboard) =>
    dashboard.rows.flatMap((row) =>
      row.panels.flatMap((panel) =>
        panel.queries.map(([expr, legend]) => ({
          where: `${dashboard.title} / ${panel.title} (${legend})`,
          expr,
          ...(panel.emptyWhenHealthy ? { emptyWhenHealthy: panel.emptyWhenHealthy } : {}),
        })),
      ),
    ),
  );
}

/** Alert expressions compare against a threshold: on a healthy platform they are empty by design. */
export function alertQueries(): Query[] {
  return ruleGroups().flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr, emptyWhenHealthy: 'an alert is quiet on a healthy platform' })));
}
