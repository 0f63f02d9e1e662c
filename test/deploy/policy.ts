// The house rules for rendered Kubernetes objects (STYLE.md "Kubernetes" and the deployment
// issue), checked on every overlay. Each rule names what it found, object by object.

export interface Labels {
  [key: string]: string;
}

interface Probe {
  [key: string]: unknown;
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

export interface Container {
  name: string;
  image?: string;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: Labels | { matchLabels?: Labels };
    strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
    template?: { metadata?: { labels?: Labels }; spec: PodSpec };
    jobTemplate?: { spec: { template: { metadata?: { labels?: Labels }; spec: PodSpec } } };
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
  };
}

export interface Violation {
  rule: 'resources' | 'probes' | 'non-root' | 'hpa' | 'pdb' | 'labels' | 'image-tag' | 'graceful-shutdown';
  where: string;
  message: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
// Probes are for processes meant to keep running; a Job's pod or an init container ends by design.
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

const id = (object: KubernetesObject) => `${object.kind}/${object.metadata.name}`;

function podTemplate(object: KubernetesObject): { labels: Labels; spec: PodSpec } | undefined {
  const template = object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec.template : object.spec?.template;
  return template ? { labels: template.metadata?.labels ?? {}, spec: template.spec } : undefined;
}

const matches = (selector: Labels, labels: Labels) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Every violation of the house rules among `objects` (one overlay, rendered). */
export function checkPolicy(objects: readonly KubernetesObject[]): Violation[] {
  const violations: Violation[] = [];
  const add = (rule: Violation['rule'], where: string, message: string) => violations.push({ rule, where, message });
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const hpas = ofKind('HorizontalPodAutoscaler');

  for (const object of objects) {
    const labels = object.metadata.labels ?? {};
    if (!labels['app.kubernetes.io/name'] || labels['app.kubernetes.io/part-of'] !== 'chirp') {
      add('labels', id(object), 'needs app.kubernetes.io/name and app.kubernetes.io/part-of: chirp');
    }
  }

  for (const workload of objects.filter((object) => WORKLOADS.has(object.kind))) {
    const pod = podTemplate(workload);
    if (!pod) continue;
    if (!pod.labels['app.kubernetes.io/name'] || pod.labels['app.kubernetes.io/part-of'] !== 'chirp') {
      add('labels', id(workload), 'its pod template needs app.kubernetes.io/name and app.kubernetes.io/part-of: chirp');
    }
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    for (const container of all) {
      const where = `${id(workload)} container ${container.name}`;
      const { requests, limits } = container.resources ?? {};
      if (!requests?.cpu || !requests.memory || !limits?.cpu || !limits.memory) {
        add('resources', where, 'needs cpu and memory requests and limits');
      }
      checkSecurity(pod.spec.securityContext ?? {}, container.securityContext ?? {}, (message) => add('non-root', where, message));
      const image = container.image ?? '';
      if (!/@sha256:|:[\w][\w.-]*$/.test(image.replace(/^[^/]+:\d+\//, '')) || image.endsWith(':latest')) {
        add('image-tag', where, `image '${image}' needs a pinned tag or digest, not latest`);
      }
    }
    if (LONG_RUNNING.has(workload.kind)) {
      for (const container of pod.spec.containers) {
        const missing = (['livenessProbe', 'readinessProbe', 'startupProbe'] as const).filter((probe) => !container[probe]);
        if (missing.length > 0) add('probes', `${id(workload)} container ${container.name}`, `needs ${missing.join(', ')}`);
      }
    }
  }

  const services = ofKind('Service');
  const pdbs = ofKind('PodDisruptionBudget');
  for (const workload of objects.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet')) {
    const pod = podTemplate(workload)!;
    const hpa = hpas.find((candidate) => candidate.spec?.scaleTargetRef?.kind === workload.kind && candidate.spec.scaleTargetRef.name === workload.metadata.name);
    const serving = services.some((service) => matches((service.spec?.selector ?? {}) as Labels, pod.labels));
    if (workload.kind === 'Deployment' && serving && !hpa) add('hpa', id(workload), 'serves HTTP through a Service but no HorizontalPodAutoscaler scales it');
    const replicas = Math.max(workload.spec?.replicas ?? 1, hpa?.spec?.minReplicas ?? 1);
    const budgeted = pdbs.some((pdb) => matches((pdb.spec?.selector as { matchLabels?: Labels } | undefined)?.matchLabels ?? {}, pod.labels));
    if (replicas >= 2 && !budgeted) add('pdb', id(workload), `runs ${replicas} replicas but no PodDisruptionBudget selects its pods`);
    if (workload.kind === 'Deployment') checkShutdown(workload, pod.spec, objects, (message) => add('graceful-shutdown', id(workload), message));
  }
  return violations;
}

function checkSecurity(pod: SecurityContext, container: SecurityContext, report: (message: string) => void): void {
  if ((container.runAsNonRoot ?? pod.runAsNonRoot) !== true) report('needs runAsNonRoot: true');
  if ((container.runAsUser ?? pod.runAsUser) === 0) report('runs as uid 0');
  if (container.allowPrivilegeEscalation !== false) report('needs allowPrivilegeEscalation: false');
  if (container.readOnlyRootFilesystem !== true) report('needs readOnlyRootFilesystem: true');
  if (container.privileged === true) report('is privileged');
  if (!container.capabilities?.drop?.includes('ALL')) report('needs capabilities.drop: [ALL]');
  if ((container.capabilities?.add ?? []).length > 0) report('adds capabilities');
  if ((container.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault') report('needs seccompProfile RuntimeDefault');
}

/** Rolling updates keep every old pod until its replacement is ready, and the grace period outlasts preStop, the drain delay and the shutdown timeout. */
function checkShutdown(deployment: KubernetesObject, pod: PodSpec, objects: readonly KubernetesObject[], report: (message: string) => void): void {
  if (deployment.spec?.strategy?.rollingUpdate?.maxUnavailable !== 0) report('needs rollingUpdate.maxUnavailable: 0');
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  for (const container of pod.containers) {
    const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const env = environmentOf(container, objects);
    const drainSeconds = Number(env.SHUTDOWN_DRAIN_SECONDS ?? 0);
    const timeoutMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    if (grace * 1000 <= (preStop + drainSeconds) * 1000 + timeoutMs) {
      report(`terminationGracePeriodSeconds ${grace} does not outlast preStop ${preStop} s + SHUTDOWN_DRAIN_SECONDS ${drainSeconds} s + SHUTDOWN_TIMEOUT_MS ${timeoutMs}`);
    }
  }
}

/** A container's literal environment: its ConfigMaps' data, then its own `value`s (Secrets are left out). */
export function environmentOf(container: Container, objects: readonly KubernetesObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name);
    Object.assign(env, configMap?.data ?? {});
  }
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}
