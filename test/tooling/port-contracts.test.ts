// Every port has a contract suite, run against its fake (unit) and its real adapter (integration).
// A port is an interface with methods in a service's `src/use-cases/*ports.ts`; a suite is a
// describe in `test/contract/*.contract.ts` whose title names the port before "contract".
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const services = fileURLToPath(new URL('../../services/', import.meta.url));

/**
 * Ports without a suite of their own, and why. A port named here that gains a suite, or goes,
 * fails the check below, so the list stays true.
 */
const WITHOUT_SUITE: Record<string, string> = {
  'tweet/TweetReader': 'the reading half of TweetStore, whose suite covers it',
  'tweet/TweetTransaction': "what TweetStore.transaction hands its work; TweetStore's suite covers it",
  'user/UserReader': 'the reading half of UserStore, whose suite covers it',
  'user/UserTransaction': "what UserStore.transaction hands its work; UserStore's suite covers it",
  'user/TweetTallies': "the tallying half of UserStore (one statement per call, outside any transaction), whose suite covers it",
  'gateway/HandleDirectory': 'one implementation (an LRU map) serves tests and production alike: there is no fake to keep honest',
  'tweet/ImageInspector': 'one implementation (image-size over the bytes, no I/O) serves tests and production alike: there is no fake to keep honest',
  'timeline/FanoutMetrics': 'observation only (nothing reads it back); the Prometheus series are checked by test/integration/metrics.test.ts',
  'notification/NotificationMetrics': 'observation only (nothing reads it back); the Prometheus series are checked by the service test',
};

const list = (dir: string) => {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
};

/** `service/Port` for every interface with at least one method in a ports file. */
function ports(): string[] {
  const found: string[] = [];
  for (const service of readdirSync(services)) {
    for (const file of list(`${services}${service}/src/use-cases/`).filter((name) => name.endsWith('ports.ts'))) {
      const text = readFileSync(`${services}${service}/src/use-cases/${file}`, 'utf8');
      for (const match of text.matchAll(/^export interface (\w+)[^{]*\{\n([\s\S]*?)^\}/gm)) {
        if (/^ {2}(?:readonly )?\w+(?:<[^>]*>)?\(/m.test(match[2]!)) found.push(`${service}/${match[1]}`);
      }
    }
  }
  return found;
}

/** `service/Port` → the suite function that describes it, and whether a unit and an integration test run it. */
function suites(): Map<string, { suite: string; unit: boolean; integration: boolean }> {
  const found = new Map<string, { suite: string; unit: boolean; integration: boolean }>();
  for (const service of readdirSync(services)) {
    const test = `${services}${service}/test/`;
    const runners = (folder: string) => list(`${test}${folder}`).filter((name) => name.endsWith('.test.ts')).map((name) => readFileSync(`${test}${folder}/${name}`, 'utf8'));
    const [unit, integration] = [runners('unit'), runners('integration')];
    for (const file of list(`${test}contract`).filter((name) => name.endsWith('.contract.ts'))) {
      const text = readFileSync(`${test}contract/${file}`, 'utf8');
      for (const suite of text.matchAll(/^export function (\w+)\(/gm)) {
        const body = text.slice(suite.index, text.indexOf('\nexport function ', suite.index + 1) >>> 0);
        const runs = (files: string[]) => files.some((runner) => runner.includes(`${suite[1]}(`));
        for (const title of body.matchAll(/describe\(`([^`]*?) contract/g)) {
          for (const port of title[1]!.match(/\b[A-Z]\w+/g) ?? []) found.set(`${service}/${port}`, { suite: suite[1]!, unit: runs(unit), integration: runs(integration) });
        }
      }
    }
  }
  return found;
}

describe('every port has a contract suite', () => {
  const all = ports();
  const covered = suites();

  it('when the ports files are read, then the ports are found (the check reads what it should)', () => {
    expect(all).toEqual(expect.arrayContaining(['timeline/HighFollowerAuthors', 'timeline/TweetHydrator', 'gateway/UserService', 'gateway/MergedAuthors', 'user/UserStore']));
    expect(all).not.toContain('gateway/CallContext');
  });

  it('when a port has no suite, then it is listed with its reason', () => {
    expect(all.filter((port) => !covered.has(port) && WITHOUT_SUITE[port] === undefined)).toEqual([]);
  });

  it('when a port is listed without a suite, then it exists and has none', () => {
    expect(Object.keys(WITHOUT_SUITE).filter((port) => !all.includes(port) || covered.has(port))).toEqual([]);
  });

  it("when a port has a suite, then a unit test runs it against the fake and an integration test against the real adapter", () => {
    const notRun = all.flatMap((port) => {
      const suite = covered.get(port);
      if (!suite) return [];
      return [...(suite.unit ? [] : [`${port}: ${suite.suite} not run in test/unit`]), ...(suite.integration ? [] : [`${port}: ${suite.suite} not run in test/integration`])];
    });
    expect(notRun).toEqual([]);
  });
});
