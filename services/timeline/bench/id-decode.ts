// CPU to decode the ids of a home timeline rebuilt from Cassandra (800 bigint rows): the driver's
// Long.toString (before #16's cut) or idOf's BigInt (as shipped), interleaved.
//   node services/timeline/bench/id-decode.ts [--ids 800] [--calls 2000] [--rounds 7]
// No stack needed: the rows are the driver's own Long values, as a read returns them.
import { parseArgs } from 'node:util';
import cassandra from 'cassandra-driver';
import { createIdGenerator } from '@chirp/kernel/ids';
import { median, ownCpuMs, roundOrder } from '@chirp/testing/cpu-counters';
import { idOf } from '../src/infrastructure/cassandra-rows.ts';

const { values } = parseArgs({ options: { ids: { type: 'string', default: '800' }, calls: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '7' } } });
const [count, calls, rounds] = [Number(values.ids), Number(values.calls), Number(values.rounds)];
const ids = createIdGenerator({ workerId: 1004 });
const longs = Array.from({ length: count }, () => cassandra.types.Long.fromString(ids.next()));

const variants = { 'Long.toString': (value: cassandra.types.Long) => value.toString(), idOf } as const;
const names = Object.keys(variants) as Array<keyof typeof variants>;
const perTimeline = new Map(names.map((name) => [name, [] as number[]]));
let sink = 0;
for (let round = 0; round < rounds; round += 1) {
  for (const name of roundOrder(names, round)) {
    const decode = variants[name];
    for (let i = 0; i < 100; i += 1) for (const value of longs) sink += decode(value).length; // warm-up
    const start = ownCpuMs();
    for (let i = 0; i < calls; i += 1) for (const value of longs) sink += decode(value).length;
    perTimeline.get(name)!.push(((ownCpuMs() - start) / calls) * 1000);
  }
}
if (sink === 0) throw new Error('nothing was decoded');
for (const [name, samples] of perTimeline) console.log(`${name}: ${median(samples).toFixed(1)} µs of CPU per timeline of ${count} ids (median of ${rounds} rounds of ${calls})`);
const [before, after] = names.map((name) => perTimeline.get(name)!);
console.log(`idOf vs Long.toString, median of the per-round ratios: ${(median(after!.map((value, i) => value / before![i]! - 1)) * 100).toFixed(0)} %`);
