import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, overlays, render, validateKubernetes } from './checkers.ts';

describe('Kubernetes objects against the OpenAPI schemas', () => {
  it.each(overlays)('when the %s overlay is rendered, then every object validates strictly', (overlay) => {
    const result = validateKubernetes(render(overlay));

    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 30_000); // Renders with kubectl and validates with Python: seconds, more on a busy machine.

  it('when a manifest has a wrongly typed value and a misspelt field, then both objects are rejected', () => {
    const result = validateKubernetes(readFileSync(join(fixtures, 'broken/deployment.yaml'), 'utf8'));

    expect(result.ok).toBe(false);
    expect(result.output).toContain("deployment/wrong-type against version 1.32: spec.template.spec.containers.0.ports.0.containerPort: 'eighty' is not of type 'integer'");
    expect(result.output).toContain("deployment/unknown-field against version 1.32: spec.template.spec.containers.0: Additional properties are not allowed ('livenessprobe' was unexpected)");
  });
});
