// Where a service's CPU time went, from the V8 CPU profile node --cpu-prof writes: self time
// grouped by package (or Node subsystem, or Chirp module), and the busiest functions.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled wall time, and the part that was not idle. */
  sampledMs: number;
  busyMs: number;
  /** Share of busy time per group, largest first. */
  groups: Array<{ group: string; ms: number; share: number }>;
  functions: Array<{ name: string; where: string; group: string; ms: number; share: number }>;
}

/** The group a frame's self time counts under: a package, a Node subsystem, a Chirp module, or V8 itself. */
export function groupOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'V8 garbage collector';
  if (functionName === '(program)') return 'V8 and native code';
  if (functionName === '(idle)') return 'idle';
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [scopeOrName, name] = url.slice(inModules + 'node_modules/'.length).split('/');
    return scopeOrName!.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName!;
  }
  const chirp = /\/(services\/[a-z]+|packages\/[a-z]+)\/src\//.exec(url);
  if (chirp) return `chirp ${chirp[1]}`;
  if (url.startsWith('node:')) {
    const path = url.slice('node:'.length).replace(/^internal\//, '').split('/');
    return `node ${path[0]}`;
  }
  return url === '' ? 'V8 builtins' : url;
}

export function summarizeProfile(path: string, top = 8): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the gap before sample i, so sample i ran for the gap after it (as DevTools counts).
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

  let sampledUs = 0;
  let idleUs = 0;
  const groups = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; group: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    sampledUs += us;
    const group = groupOf(frame.functionName, frame.url);
    if (group === 'idle') {
      idleUs += us;
      continue;
    }
    if (frame.functionName === '(root)') continue;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, group, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = sampledUs - idleUs;
  const share = (us: number) => (busyUs === 0 ? 0 : us / busyUs);
  return {
    sampledMs: sampledUs / 1000,
    busyMs: busyUs / 1000,
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, us]) => ({ group, ms: us / 1000, share: share(us) })),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ us, ...rest }) => ({ ...rest, ms: us / 1000, share: share(us) })),
  };
}

function shortUrl(url: string): string {
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) return url.slice(inModules + 'node_modules/'.length);
  const repo = /\/(services|packages)\/.*$/.exec(url);
  return repo ? repo[0].slice(1) : url.replace(/^file:\/\//, '');
}
