// The alert rules of k8s/components/monitoring/prometheusrule.yaml as a plain Prometheus rule file
// (its spec: `groups`), for the Prometheus `make dev` runs, promtool and the dashboard test.
//   node scripts/prometheus-rules.ts <out.yaml>
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

export const PROMETHEUS_RULE = fileURLToPath(new URL('../k8s/components/monitoring/prometheusrule.yaml', import.meta.url));

/** The rule groups the PrometheusRule declares. */
export function ruleGroups(): RuleGroup[] {
  const object = parse(readFileSync(PROMETHEUS_RULE, 'utf8')) as { kind?: string; spec?: { groups?: RuleGroup[] } };
  if (object.kind !== 'PrometheusRule' || !object.spec?.groups) throw new Error(`${PROMETHEUS_RULE} is not a PrometheusRule with spec.groups`);
  return object.spec.groups;
}

export const ruleFileText = (): string => stringify({ groups: ruleGroups() });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/prometheus-rules.ts <out.yaml>');
    process.exit(2);
  }
  writeFileSync(out, ruleFileText());
}
