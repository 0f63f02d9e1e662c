import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema, loadGatewayConfig } from '../../services/gateway/src/infrastructure/config.ts';
import { loadNotificationConfig, NotificationConfigSchema } from '../../services/notification/src/infrastructure/config.ts';
import { loadTimelineConfig, TimelineConfigSchema } from '../../services/timeline/src/infrastructure/config.ts';
import { loadTweetConfig, TweetConfigSchema } from '../../services/tweet/src/infrastructure/config.ts';
import { loadUserConfig, UserConfigSchema } from '../../services/user/src/infrastructure/config.ts';
import { overlays, parseYaml, render, root } from './checkers.ts';
import { type Container, environmentOf, type KubernetesObject } from './policy.ts';

type Environment = Record<string, string>;

// Each service's own loadConfig: the manifests pass exactly when the service would start.
const services = {
  user: { schema: UserConfigSchema, load: (env: Environment) => loadUserConfig(env) },
  tweet: { schema: TweetConfigSchema, load: (env: Environment) => loadTweetConfig(env) },
  timeline: { schema: TimelineConfigSchema, load: (env: Environment) => loadTimelineConfig(env) },
  notification: { schema: NotificationConfigSchema, load: (env: Environment) => loadNotificationConfig(env) },
  gateway: { schema: GatewayConfigSchema, load: (env: Environment) => loadGatewayConfig(env) },
};
type ServiceName = keyof typeof services;

// Read by the AWS SDK or Node itself rather than by a service's schema.
const READ_BY_RUNTIME = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'NODE_EXTRA_CA_CERTS']);

// The Secrets the EKS overlay expects operators to create (k8s/README.md), with values of their shape.
const OPERATOR_SECRETS: Record<string, string> = {
  'user-database/url': 'postgres://chirp_user:secret@chirp.cluster-abc.us-east-1.rds.amazonaws.com:5432/chirp_user',
  'tweet-database/url': 'postgres://chirp_tweet:secret@chirp.cluster-abc.us-east-1.rds.amazonaws.com:5432/chirp_tweet',
  'notification-database/url': 'postgres://chirp_notification:secret@chirp.cluster-abc.us-east-1.rds.amazonaws.com:5432/chirp_notification',
  'redis/url': 'rediss://:token@master.chirp.abc.use1.cache.amazonaws.com:6379',
};

const serviceOf = (container: Container): ServiceName => /chirp\/(user|tweet|timeline|notification|gateway)(:|$)/.exec(container.image ?? '')?.[1] as ServiceName;

/** What the container's process sees: ConfigMaps, literals and Secrets (rendered ones decoded, operators' ones by example). */
function environment(container: Container, objects: readonly KubernetesObject[]): Environment {
  const env = environmentOf(container, objects);
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const rendered = objects.find((object) => object.kind === 'Secret' && object.metadata.name === ref.name)?.data?.[ref.key];
    const value = rendered === undefined ? OPERATOR_SECRETS[`${ref.name}/${ref.key}`] : Buffer.from(rendered, 'base64').toString('utf8');
    if (value === undefined) throw new Error(`${variable.name} reads Secret ${ref.name} key ${ref.key}, which no overlay renders nor k8s/README.md lists`);
    env[variable.name] = value;
  }
  return env;
}

const unknownVariables = (service: ServiceName, env: Environment) =>
  Object.keys(env).filter((name) => !(name in services[service].schema.properties) && !READ_BY_RUNTIME.has(name));

describe.each(overlays)('the %s overlay gives each service the environment it needs', (overlay) => {
  const objects = parseYaml(render(overlay)) as KubernetesObject[];
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const servers = deployments.map((deployment) => {
    const container = deployment.spec!.template!.spec.containers[0]!;
    return { name: deployment.metadata.name, service: serviceOf(container), env: environment(container, objects) };
  });

  it('when each service loads its configuration, then it starts, and every variable set is one it reads', () => {
    expect(servers.map((server) => server.name).sort()).toEqual(['gateway', 'notification', 'timeline-api', 'timeline-consumer', 'tweet', 'user']);
    for (const server of servers) {
      expect(() => services[server.service].load(server.env), server.name).not.toThrow();
      expect(unknownVariables(server.service, server.env), server.name).toEqual([]);
    }
  });

  it('when the timeline runs, then one Deployment serves the API and the other consumes', () => {
    const roles = servers.filter((server) => server.service === 'timeline').map((server) => [server.name, loadTimelineConfig(server.env).TIMELINE_ROLE]);

    expect(roles.sort()).toEqual([['timeline-api', 'api'], ['timeline-consumer', 'consumer']]);
  });

  it('when the gateway verifies tokens, then it expects the issuer and audience the user service signs with', () => {
    const user = loadUserConfig(servers.find((server) => server.name === 'user')!.env);
    const gateway = loadGatewayConfig(servers.find((server) => server.name === 'gateway')!.env);

    expect([gateway.JWT_ISSUER, gateway.JWT_AUDIENCE]).toEqual([user.JWT_ISSUER, user.JWT_AUDIENCE]);
  });

  it('when a pod starts, then its migrate init container has what its command reads', () => {
    const needs: Record<string, string> = { user: 'DATABASE_URL', tweet: 'DATABASE_URL', notification: 'DATABASE_URL', timeline: 'CASSANDRA_CONTACT_POINTS' };
    const migrations = deployments.flatMap((deployment) =>
      (deployment.spec!.template!.spec.initContainers ?? []).map((container) => ({ deployment: deployment.metadata.name, service: serviceOf(container), env: environment(container, objects) })),
    );

    expect(migrations.map((migration) => migration.deployment).sort()).toEqual(['notification', 'timeline-api', 'timeline-consumer', 'tweet', 'user']);
    expect(migrations.filter((migration) => !migration.env[needs[migration.service]!]).map((migration) => migration.deployment)).toEqual([]);
  });

  it('when SNS/SQS are reached, then only the emulator is named by endpoint (AWS itself is found by region)', () => {
    const endpoints = servers.filter((server) => server.env.AWS_ENDPOINT_URL !== undefined).map((server) => server.name);

    expect(endpoints).toEqual(overlay === 'local' ? ['notification', 'timeline-api', 'timeline-consumer', 'tweet', 'user'] : []);
  });
});

describe('the local overlay on its own', () => {
  const objects = parseYaml(render('local')) as KubernetesObject[];

  it('when the signing key is generated, then it carries the kid the user service signs with', () => {
    const keygen = objects.find((object) => object.kind === 'Job' && object.metadata.name === 'jwt-keygen')!;
    const script = keygen.spec!.template!.spec.containers[0]! as Container & { command: string[] };
    const user = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.labels?.['app.kubernetes.io/name'] === 'user')!;

    expect(script.command.join(' ')).toContain(`'${user.data!.JWT_ACTIVE_KID}.pem': privateKey`);
  });

  it('when Postgres initialises, then it creates the same databases as the local stack', () => {
    const init = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('postgres-init'))!;

    expect(init.data!['init.sql']).toBe(readFileSync(join(root, 'stack/postgres/init.sql'), 'utf8'));
  });
});

describe('docker-compose.yml gives each service the environment it needs', () => {
  const compose = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8'))[0] as {
    services: Record<string, { image?: string; restart?: string; environment?: Record<string, string> }>;
  };
  const running = Object.entries(compose.services).filter(([, service]) => service.image?.startsWith('chirp/') && service.restart === 'unless-stopped');

  it('when each service loads its configuration, then it starts, and every variable set is one it reads', () => {
    expect(running.map(([name]) => name).sort()).toEqual(['gateway', 'notification', 'timeline', 'tweet', 'user']);
    for (const [name, service] of running) {
      const env = service.environment ?? {};
      const serviceName = name as ServiceName;
      expect(() => services[serviceName].load(env), name).not.toThrow();
      expect(unknownVariables(serviceName, env), name).toEqual([]);
    }
  });
});
