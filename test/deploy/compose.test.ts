import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, parseYaml, root, validateCompose } from './checkers.ts';

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  command?: string[];
  ports?: string[];
  healthcheck?: unknown;
  read_only?: boolean;
  cap_drop?: string[];
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
}

const composeFile = join(root, 'docker-compose.yml');
const services = () => (parseYaml(readFileSync(composeFile, 'utf8'))[0] as { services: Record<string, ComposeService> }).services;
const isChirp = (service: ComposeService) => service.image?.startsWith('chirp/') ?? false;
// A one-shot has nothing to health-check and is not restarted: it runs to completion.
const isOneShot = (service: ComposeService) => service.healthcheck === undefined && (service.restart ?? 'no') === 'no';

describe('docker-compose.yml', () => {
  it('when checked against the compose-spec schema, then it is valid', () => {
    const result = validateCompose(composeFile);

    expect(result.output).toContain('ok -- validation done');
    expect(result.ok).toBe(true);
  });

  it('when a compose file has an unknown condition and a misspelt key, then the schema rejects it', () => {
    const result = validateCompose(join(fixtures, 'broken/docker-compose.yml'));

    expect(result.ok).toBe(false);
    expect(result.output).toContain("'service_ready' is not one of ['service_started', 'service_healthy', 'service_completed_successfully']");
    expect(result.output).toMatch(/\$\.services\.app: Unevaluated properties are not allowed \(.*'healthchek'.* unexpected\)/);
  });

  it('when the platform comes up, then only the gateway is published on the host', () => {
    const published = Object.entries(services()).filter(([, service]) => service.ports !== undefined);

    expect(published.map(([name]) => name)).toEqual(['gateway']);
  });

  it('when a service depends on another, then it waits for it to be healthy or, for a one-shot, to succeed', () => {
    const all = services();
    const waits = Object.entries(all).flatMap(([name, service]) =>
      Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => {
        const target = all[dependency];
        const expected = target === undefined ? 'a defined service' : isOneShot(target) ? 'service_completed_successfully' : 'service_healthy';
        return { edge: `${name} -> ${dependency}`, condition: target === undefined ? 'undefined' : condition, expected };
      }),
    );

    expect(waits.length).toBeGreaterThan(10);
    expect(waits.filter((wait) => wait.condition !== wait.expected)).toEqual([]);
  });

  it('when the four services run, then each is health-checked and starts after every one-shot is awaited', () => {
    const all = services();
    const running = Object.entries(all).filter(([, service]) => isChirp(service) && !isOneShot(service));
    const oneShots = Object.entries(all).filter(([, service]) => isOneShot(service)).map(([name]) => name);

    expect(running.map(([name]) => name).sort()).toEqual(['gateway', 'notification', 'timeline', 'tweet', 'user']);
    expect(oneShots.sort()).toEqual(['jwt-keygen', 'messaging-init', 'notification-migrate', 'timeline-migrate', 'tweet-migrate', 'user-migrate']);
    const awaited = new Set(running.flatMap(([, service]) => Object.keys(service.depends_on ?? {})));
    expect(oneShots.filter((oneShot) => !awaited.has(oneShot))).toEqual([]);
  });

  it('when a Chirp container runs, then its root filesystem is read-only and it holds no capabilities', () => {
    const chirp = Object.entries(services()).filter(([, service]) => isChirp(service));

    expect(chirp.length).toBe(11);
    expect(chirp.filter(([, service]) => service.read_only !== true || !service.cap_drop?.includes('ALL')).map(([name]) => name)).toEqual([]);
  });

  it('when an image is used by several services, then each builds it from the same service argument', () => {
    const builds = Object.values(services()).filter(isChirp);

    expect(builds.filter((service) => service.image !== `chirp/${service.build?.args?.SERVICE}:dev`)).toEqual([]);
  });
});
