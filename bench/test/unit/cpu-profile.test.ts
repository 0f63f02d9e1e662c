import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupOf, summarizeProfile } from '../../src/cpu-profile.ts';
import { NOT_PLATFORM } from '../../src/cost.ts';
import { cpuAccounting, listeningPids, OTHER_ROLE, roleOf, stackPorts, TRACE_BACKEND_ROLE } from '../../src/cpu-usage.ts';

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
  it('when a process is a service the benchmark started, then its role names it, the timeline by its role', () => {
    expect(roleOf('/x/node /repo/services/gateway/src/main.ts')).toBe('gateway');
    expect(roleOf('/x/node /repo/services/timeline/src/main.ts', 'A=1\0TIMELINE_ROLE=consumer\0B=2')).toBe('timeline-consumer');
    expect(roleOf('/x/node /repo/services/timeline/src/main.ts', 'TIMELINE_ROLE=api')).toBe('timeline-api');
    expect(roleOf('/x/node /repo/services/timeline/src/main.ts', 'TIMELINE_ROLE=all')).toBe('timeline');
    expect(roleOf('/x/node /repo/services/notification/src/main.ts')).toBe('notification');
    expect(roleOf('/x/node /repo/bench/src/baseline-server.ts')).toBe('baseline server');
  });

  it('when the process is the Jaeger of --tracing, then it is the trace backend, outside the platform', () => {
    expect(roleOf('/root/.cache/chirp/jaeger-v1.76.0/jaeger\0--config\0file:/tmp/j/jaeger.yaml\0')).toBe(TRACE_BACKEND_ROLE);
    expect(NOT_PLATFORM.has(TRACE_BACKEND_ROLE)).toBe(true);
    expect(roleOf('/x/node /repo/scripts/jaeger-report.ts')).toBe('other child of the benchmark');
  });

  it('when the connection variables name the stack, then each server is known by its port', () => {
    const ports = stackPorts({ DATABASE_URL: 'postgres://u:p@127.0.0.1:28432/db', REDIS_URL: 'redis://127.0.0.1:28379', CASSANDRA_CONTACT_POINTS: '127.0.0.1:28042,10.0.0.2:9042', AWS_ENDPOINT_URL: 'http://127.0.0.1:28566' });
    expect([...ports]).toEqual([[28432, 'postgres'], [28379, 'redis'], [28042, 'cassandra'], [28566, 'sns/sqs emulator']]);
  });

  it('when a server listens on a stack port, then its pid is found and its children share its role; other processes are not charged to it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const pids = listeningPids(new Map([[port, 'redis']]));
      expect([...pids]).toEqual([[process.pid, 'redis']]);
      // This process plays the server here, so the load generator's role goes to nobody else.
      const snapshot = cpuAccounting(pids).snapshot();
      expect(snapshot.byPid.get(process.pid)?.role).toBe('redis');
      expect(snapshot.byPid.get(1)?.role).toBe(OTHER_ROLE);
    } finally {
      server.close();
    }
  });
});
