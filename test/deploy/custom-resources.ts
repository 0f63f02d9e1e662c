// The Prometheus Operator's kinds, which the Kubernetes schemas do not have: checked against the
// operator's own CRD schemas as packaged by @kubernetes-models/prometheus-operator (types, required
// fields, enums; the CRD schemas allow unknown fields, so a misspelt optional one passes here and
// the operator drops it; promtool and the dashboard test check what the rules say).
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { KubernetesObject } from './policy.ts';

const MODELS: Record<string, (object: never) => { validate(): void }> = {
  'monitoring.coreos.com/v1/PodMonitor': (object) => new PodMonitor(object),
  'monitoring.coreos.com/v1/PrometheusRule': (object) => new PrometheusRule(object),
  'monitoring.coreos.com/v1/ServiceMonitor': (object) => new ServiceMonitor(object),
};

export const isCustomResource = (object: KubernetesObject) => (object as { apiVersion?: string }).apiVersion?.startsWith('monitoring.coreos.com/') ?? false;

/** One line per invalid object of the operator's kinds: kind/name and what is wrong. */
export function validateCustomResources(objects: readonly KubernetesObject[]): string[] {
  return objects.filter(isCustomResource).flatMap((object) => {
    const where = `${object.kind}/${object.metadata.name}`;
    const model = MODELS[`${(object as { apiVersion: string }).apiVersion}/${object.kind}`];
    if (!model) return [`${where}: no schema for ${(object as { apiVersion: string }).apiVersion} ${object.kind}`];
    try {
      model(object as never).validate();
      return [];
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
  });
}
