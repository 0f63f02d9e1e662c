// The dashboard JSON in the monitoring component is what scripts/grafana-dashboards.ts declares, and
// the component ships each file as a ConfigMap for Grafana's sidecar.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARD_DIR, DASHBOARDS, dashboardFile, toGrafana } from '../../scripts/grafana-dashboards.ts';

it.each(DASHBOARDS.map((spec) => [spec.uid, spec] as const))('when %s is generated, then the committed JSON is the same (run node scripts/grafana-dashboards.ts)', (_uid, spec) => {
  const committed: unknown = JSON.parse(readFileSync(`${DASHBOARD_DIR}${dashboardFile(spec)}`, 'utf8'));

  expect(committed).toEqual(toGrafana(spec));
});

it('when the component is read, then every dashboard file is a ConfigMap labelled for the Grafana sidecar', () => {
  const kustomization = parse(readFileSync(`${DASHBOARD_DIR}../kustomization.yaml`, 'utf8')) as {
    generatorOptions: { labels: Record<string, string> };
    configMapGenerator: Array<{ name: string; files: string[] }>;
  };

  expect(kustomization.generatorOptions.labels.grafana_dashboard).toBe('1');
  expect(kustomization.configMapGenerator.flatMap((generator) => generator.files).sort()).toEqual(DASHBOARDS.map((spec) => `dashboards/${dashboardFile(spec)}`).sort());
});
