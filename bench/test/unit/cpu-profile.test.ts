import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupOf, summarizeProfile } from '../../src/cpu-profile.ts';
import { roleOf } from '../../src/cpu-usage.ts';

describe('grouping profile frames', () => {
  it.each([
    ['parse', 'file:///work/main/node_modules/.pnpm/fastify@5.12.8/node_modules/fastify/lib/route.js', 'fastify'],
    ['x', 'file:///work/main/node_modules/.pnpm/@fastify+swagger@9/node_modules/@fastify/swagger/index.js', '@fastify/swagger'],
    ['readHome', 'file:///work/main/services/timeline/src/use-cases/read-home-timeline.ts', 'chirp services/timeline'],
    ['call', 'file:///work/main/packages/common/src/service-client.ts', 'chirp packages/common'],
    ['writeGeneric', 'node:internal/stream_base_commons', 'node stream_base_commons'],
    ['request', 'node:http', 'node http'],
    ['(garbage collector)', '', 'V8 garbage collector'],
    ['(idle)', '', 'idle'],
    ['JSONStringify', '', 'V8 builtins'],
  ])('when a frame is %s in %s, then it counts under %s', (name, url, group) => {
    expect(groupOf(name, url)).toBe(group);
  });
});

describe('summarizing a CPU profile', () => {
  it('when samples fall on frames, then self time is summed per group and function, idle left out of busy', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 4] },
        { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 3, callFrame: { functionName: 'route', url: 'file:///r/node_modules/fastify/lib/route.js', lineNumber: 9 } },
        { id: 4, callFrame: { functionName: 'hydrate', url: 'file:///r/services/timeline/src/x.ts', lineNumber: 0 } },
      ],
      // Each sample lasts until the next: route 1+1 ms and 1 ms, hydrate 2 ms, idle 1+5 ms.
      samples: [2, 3, 3, 4, 2, 3, 1],
      timeDeltas: [0, 1000, 1000, 1000, 2000, 5000, 1000],
    };
    const path = join(mkdtempSync(join(tmpdir(), 'prof-')), 'p.cpuprofile');
    writeFileSync(path, JSON.stringify(profile));
    const summary = summarizeProfile(path);
    expect(summary.sampledMs).toBe(11);
    expect(summary.busyMs).toBe(5);
    expect(summary.groups).toEqual([
      { group: 'fastify', ms: 3, share: 0.6 },
      { group: 'chirp services/timeline', ms: 2, share: 0.4 },
    ]);
    expect(summary.functions[0]).toEqual({ name: 'route', where: 'fastify/lib/route.js:10', group: 'fastify', ms: 3, share: 0.6 });
  });
});

describe('CPU roles', () => {
  it('when a process is a service, a store or the emulator, then its role names it', () => {
    expect(roleOf(1, '/x/node /repo/services/gateway/src/main.ts', 'node')).toBe('gateway');
    expect(roleOf(1, 'java -cp x org.apache.cassandra.service.CassandraDaemon', 'java')).toBe('cassandra');
    expect(roleOf(1, 'postgres: chirp chirp_user 127.0.0.1 idle', 'postgres')).toBe('postgres');
    expect(roleOf(1, '/usr/bin/redis-server 127.0.0.1:16379', 'redis-server')).toBe('redis');
    expect(roleOf(1, 'node /repo/node_modules/fauxqs/dist/cli.js', 'node')).toBe('sns/sqs emulator');
    expect(roleOf(process.pid, 'anything', 'node')).toBe('load generator');
    expect(roleOf(1, 'bash', 'bash')).toBe('other');
  });
});
