// The deployment checkers, run as CI runs them: kustomize renders, the validators from
// .tools/deploy-venv (scripts/deploy-tools.sh) judge. Nothing here needs a cluster or Docker.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const overlays = ['local', 'eks'] as const;
export type Overlay = (typeof overlays)[number];

/** The oldest Kubernetes the overlays support (native preStop sleep, autoscaling/v2). */
export const KUBERNETES_VERSION = '1.32.0';

const venvBin = join(root, '.tools/deploy-venv/bin');

function tool(name: string): string {
  const path = join(venvBin, name);
  if (!existsSync(path)) throw new Error(`${path} is missing; run scripts/deploy-tools.sh (make system-deps does)`);
  return path;
}

export interface Outcome {
  ok: boolean;
  output: string;
}

function run(command: string, args: readonly string[], input?: string): Outcome {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Optional kustomize components under k8s/components/ that an overlay can include. */
export const components = ['monitoring'] as const;
export type Component = (typeof components)[number];

/**
 * The overlay's objects as `kubectl apply -k` would send them, as YAML. With components, as the
 * overlay would render with `components: [../../components/<name>]` added: through a kustomization
 * in a temporary folder naming the overlay, the components and the overlay's namespace
 * (kustomize takes only relative paths).
 */
export function render(overlay: Overlay, withComponents: readonly Component[] = []): string {
  const overlayDir = join(root, 'k8s/overlays', overlay);
  if (withComponents.length === 0) return kustomize(overlayDir);
  const dir = mkdtempSync(join(tmpdir(), 'chirp-kustomize-'));
  try {
    const from = (path: string) => JSON.stringify(relative(dir, join(root, path)));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: chirp',
        `resources: [${from(`k8s/overlays/${overlay}`)}]`,
        `components: [${withComponents.map((name) => from(`k8s/components/${name}`)).join(', ')}]`,
        '',
      ].join('\n'),
    );
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function kustomize(dir: string): string {
  const binary = join(root, '.tools/bin/kustomize');
  if (existsSync(binary)) return execFileSync(binary, ['build', dir], { encoding: 'utf8' });
  return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
}

/** Every YAML document in `text`, parsed by the venv's PyYAML (merge keys and anchors resolved). */
export function parseYaml(text: string): unknown[] {
  const script = 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)';
  const parsed = run(tool('python'), ['-c', script], text);
  if (!parsed.ok) throw new Error(`YAML did not parse:\n${parsed.output}`);
  return JSON.parse(parsed.output) as unknown[];
}

/**
 * Strict validation (unknown fields are errors) of every object against the Kubernetes OpenAPI schemas.
 * Kinds it has no schema for (the Prometheus Operator's PodMonitor and PrometheusRule) it skips
 * with a warning that --no-warn hides: `validateCustomResources` checks those.
 */
export function validateKubernetes(yaml: string): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'chirp-deploy-'));
  try {
    writeFileSync(join(dir, 'objects.yaml'), yaml);
    return run(tool('kubernetes-validate'), ['--strict', '--quiet', '--no-warn', '-k', KUBERNETES_VERSION, join(dir, 'objects.yaml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validation of a compose file against the compose-spec schema bundled with check-jsonschema. */
export function validateCompose(path: string): Outcome {
  return run(tool('check-jsonschema'), ['--builtin-schema', 'vendor.compose-spec', path]);
}

/** hadolint with its default rules; any finding, down to style, fails. */
export function lintDockerfile(path: string): Outcome {
  return run(tool('hadolint'), ['--failure-threshold', 'style', '--no-color', path]);
}
