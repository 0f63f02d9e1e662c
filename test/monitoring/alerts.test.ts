// The alert rules through promtool (Debian's prometheus package, installed by scripts/system-deps.sh):
// they load, each fires on its synthetic failure and none fires on a healthy platform
// (alerts.promtool.yaml); every runbook link lands on a section of k8s/README.md.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleFileText, ruleGroups } from '../../scripts/prometheus-rules.ts';

const here = fileURLToPath(new URL('./', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../k8s/README.md', import.meta.url)), 'utf8');
const alerts = ruleGroups().flatMap((group) => group.rules);

interface PromtoolTests {
  tests: Array<{ name: string; alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}
const promtoolTests = parse(readFileSync(join(here, 'alerts.promtool.yaml'), 'utf8')) as PromtoolTests;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chirp-rules-'));
  copyFileSync(join(here, 'alerts.promtool.yaml'), join(dir, 'alerts.promtool.yaml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool did not run (${result.error.message}); install it with scripts/system-deps.sh (Debian: apt-get install prometheus)`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** GitHub's anchor for a Markdown heading. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');

describe('alert rules', () => {
  it('when promtool checks the rule file, then every rule loads', () => {
    writeFileSync(join(dir, 'rules.yaml'), ruleFileText());

    const result = promtool('check', 'rules', 'rules.yaml');

    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(result.ok).toBe(true);
  });

  it('when promtool runs the unit tests, then each alert fires on its failure and stays quiet on healthy series', () => {
    writeFileSync(join(dir, 'rules.yaml'), ruleFileText());

    const result = promtool('test', 'rules', 'alerts.promtool.yaml');

    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('when the rules are missing, then the same unit tests fail (they expect alerts)', () => {
    writeFileSync(join(dir, 'rules.yaml'), 'groups: []\n');

    const result = promtool('test', 'rules', 'alerts.promtool.yaml');

    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
  });

  it.each(alerts.map((rule) => [rule.alert]))('%s is tested firing and quiet on the healthy platform', (name) => {
    const cases = promtoolTests.tests.flatMap((test) => test.alert_rule_test.map((check) => ({ test: test.name, ...check }))).filter((check) => check.alertname === name);

    expect(cases.some((check) => check.exp_alerts.length > 0)).toBe(true);
    expect(cases.some((check) => check.test === 'a healthy platform fires nothing' && check.exp_alerts.length === 0)).toBe(true);
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))('%s has a severity, a summary and a runbook section in k8s/README.md', (name, rule) => {
    const headings = new Set([...readme.matchAll(/^#{2,4} (.+)$/gm)].map((match) => anchor(match[1]!)));

    expect(['page', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.runbook_url).toBe(`https://github.com/REPLACE/chirp/blob/main/k8s/README.md#${name.toLowerCase()}`);
    expect(headings).toContain(name.toLowerCase());
  });
});
