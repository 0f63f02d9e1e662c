import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Component, fixtures, overlays, parseYaml, render, validateKubernetes } from './checkers.ts';
import { validateCustomResources } from './custom-resources.ts';
import type { KubernetesObject } from './policy.ts';

const variants = overlays.flatMap((overlay) => [
  [overlay, [] as Component[]] as const,
  [overlay, ['monitoring'] as Component[]] as const,
]);

describe('Kubernetes objects against the OpenAPI schemas', () => {
  it.each(variants)('when the %s overlay is rendered with components %j, then every object validates strictly', (overlay, withComponents) => {
    const yaml = render(overlay, withComponents);
    const result = validateKubernetes(yaml);
    const objects = parseYaml(yaml) as KubernetesObject[];

    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
    expect(validateCustomResources(objects)).toEqual([]);
    const kinds = objects.map((object) => object.kind);
    expect(kinds.includes('PodMonitor') && kinds.includes('PrometheusRule')).toBe(withComponents.includes('monitoring'));
  }, 30_000); // Renders with kubectl and validates with Python: seconds, more on a busy machine.

  it('when a manifest has a wrongly typed value and a misspelt field, then both objects are rejected', () => {
    const result = validateKubernetes(readFileSync(join(fixtures, 'broken/deployment.yaml'), 'utf8'));

    expect(result.ok).toBe(false);
    expect(result.output).toContain("deployment/wrong-type against version 1.32: spec.template.spec.containers.0.ports.0.containerPort: 'eighty' is not of type 'integer'");
    expect(result.output).toContain("deployment/unknown-field against version 1.32: spec.template.spec.containers.0: Additional properties are not allowed ('livenessprobe' was unexpected)");
  });

  it("when a PodMonitor's port is a number and a rule has no expression, then both are rejected against the operator's schemas", () => {
    const objects = parseYaml(readFileSync(join(fixtures, 'broken/podmonitor.yaml'), 'utf8')) as KubernetesObject[];

    expect(validateCustomResources(objects)).toEqual([
      'PodMonitor/numeric-port: data/spec/podMetricsEndpoints/0/port must be string',
      'PrometheusRule/no-expression: data/spec/groups/0/rules/0 must have required property expr',
    ]);
  });
});
