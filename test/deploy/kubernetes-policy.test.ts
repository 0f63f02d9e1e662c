import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, overlays, parseYaml, render } from './checkers.ts';
import { checkPolicy, type KubernetesObject, type Violation } from './policy.ts';

const compliant = () => parseYaml(readFileSync(join(fixtures, 'policy/compliant.yaml'), 'utf8')) as KubernetesObject[];

/** The compliant fixture with one change made to the object of `kind`. */
function compliantWith(kind: string, change: (object: KubernetesObject) => void): KubernetesObject[] {
  const objects = compliant();
  change(objects.find((object) => object.kind === kind)!);
  return objects;
}

const without = (objects: KubernetesObject[], kind: string) => objects.filter((object) => object.kind !== kind);
const rules = (violations: Violation[]) => violations.map((violation) => `${violation.rule} ${violation.where}: ${violation.message}`);

describe('house rules on the rendered overlays', () => {
  it.each(overlays.flatMap((overlay) => [[overlay, false] as const, [overlay, true] as const]))('when the %s overlay is rendered (monitoring: %s), then no rule is broken', (overlay, monitoring) => {
    const objects = parseYaml(render(overlay, monitoring ? ['monitoring'] : [])) as KubernetesObject[];

    expect(rules(checkPolicy(objects))).toEqual([]);
    expect(objects.filter((object) => object.kind === 'Deployment').length).toBe(6);
  });

  it('when every rule is kept, then nothing is reported', () => {
    expect(checkPolicy(compliant())).toEqual([]);
  });

  it('when a container has no limits, then it is reported', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      delete deployment.spec!.template!.spec.containers[0]!.resources!.limits;
    });

    expect(rules(checkPolicy(objects))).toEqual(['resources Deployment/demo container demo: needs cpu and memory requests and limits']);
  });

  it('when an init container has no requests, then it is reported', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      delete deployment.spec!.template!.spec.initContainers![0]!.resources!.requests;
    });

    expect(rules(checkPolicy(objects))).toEqual(['resources Deployment/demo container migrate: needs cpu and memory requests and limits']);
  });

  it('when a container has no startup or readiness probe, then both are named', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      delete deployment.spec!.template!.spec.containers[0]!.startupProbe;
      delete deployment.spec!.template!.spec.containers[0]!.readinessProbe;
    });

    expect(rules(checkPolicy(objects))).toEqual(['probes Deployment/demo container demo: needs readinessProbe, startupProbe']);
  });

  it('when a container may run as root, escalate, write its root filesystem or keep capabilities, then each is reported', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      const pod = deployment.spec!.template!.spec;
      pod.securityContext = { runAsUser: 0 };
      pod.containers[0]!.securityContext = { allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, capabilities: { add: ['NET_ADMIN'] } };
    });

    expect(rules(checkPolicy(objects)).filter((line) => line.includes('container demo'))).toEqual([
      'non-root Deployment/demo container demo: needs runAsNonRoot: true',
      'non-root Deployment/demo container demo: runs as uid 0',
      'non-root Deployment/demo container demo: needs allowPrivilegeEscalation: false',
      'non-root Deployment/demo container demo: needs readOnlyRootFilesystem: true',
      'non-root Deployment/demo container demo: needs capabilities.drop: [ALL]',
      'non-root Deployment/demo container demo: adds capabilities',
      'non-root Deployment/demo container demo: needs seccompProfile RuntimeDefault',
    ]);
  });

  it('when a Deployment behind a Service has no autoscaler, then it is reported (and, at one replica, needs no budget)', () => {
    const objects = without(compliant(), 'HorizontalPodAutoscaler');

    expect(rules(checkPolicy(objects))).toEqual(['hpa Deployment/demo: serves HTTP through a Service but no HorizontalPodAutoscaler scales it']);
  });

  it('when a Deployment runs two replicas without a disruption budget, then it is reported', () => {
    const objects = without(compliant(), 'PodDisruptionBudget');

    expect(rules(checkPolicy(objects))).toEqual(['pdb Deployment/demo: runs 2 replicas but no PodDisruptionBudget selects its pods']);
  });

  it('when a Deployment has no Service, autoscaler or budget but one replica, then nothing is asked of it', () => {
    const objects = without(without(without(compliant(), 'Service'), 'HorizontalPodAutoscaler'), 'PodDisruptionBudget');

    expect(checkPolicy(objects)).toEqual([]);
  });

  it('when an object lacks the part-of label, then it is reported', () => {
    const objects = compliantWith('Service', (service) => {
      delete service.metadata.labels!['app.kubernetes.io/part-of'];
    });

    expect(rules(checkPolicy(objects))).toEqual(['labels Service/demo: needs app.kubernetes.io/name and app.kubernetes.io/part-of: chirp']);
  });

  it('when an image has no tag or is latest, then it is reported', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      deployment.spec!.template!.spec.containers[0]!.image = 'chirp/demo';
      deployment.spec!.template!.spec.initContainers![0]!.image = 'registry.local:5000/chirp/demo:latest';
    });

    expect(rules(checkPolicy(objects))).toEqual([
      "image-tag Deployment/demo container migrate: image 'registry.local:5000/chirp/demo:latest' needs a pinned tag or digest, not latest",
      "image-tag Deployment/demo container demo: image 'chirp/demo' needs a pinned tag or digest, not latest",
    ]);
  });

  it('when the grace period does not outlast preStop plus the drain, or a rollout may drop a pod, then it is reported', () => {
    const objects = compliantWith('Deployment', (deployment) => {
      deployment.spec!.template!.spec.terminationGracePeriodSeconds = 35;
      deployment.spec!.strategy = { rollingUpdate: { maxUnavailable: 1 } };
    });

    expect(rules(checkPolicy(objects))).toEqual([
      'graceful-shutdown Deployment/demo: needs rollingUpdate.maxUnavailable: 0',
      'graceful-shutdown Deployment/demo: terminationGracePeriodSeconds 35 does not outlast preStop 10 s + SHUTDOWN_DRAIN_SECONDS 0 s + SHUTDOWN_TIMEOUT_MS 25000',
    ]);
  });

  it('when the service drains for a while after SIGTERM as well, then the grace period must outlast that too', () => {
    const objects = compliantWith('ConfigMap', (configMap) => {
      (configMap as { data: Record<string, string> }).data.SHUTDOWN_DRAIN_SECONDS = '15';
    });

    expect(rules(checkPolicy(objects))).toEqual([
      'graceful-shutdown Deployment/demo: terminationGracePeriodSeconds 45 does not outlast preStop 10 s + SHUTDOWN_DRAIN_SECONDS 15 s + SHUTDOWN_TIMEOUT_MS 25000',
    ]);
  });
});
