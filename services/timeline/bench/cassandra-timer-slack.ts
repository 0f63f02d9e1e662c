// Cassandra's CPU per fanned-out tweet at a steady low rate, by the timer slack of its threads.
// Cassandra's request stages run on a shared pool whose idle workers spin before they sleep:
// they park for 10 µs to 1 ms at a time, for about 10 ms after each task. A request every few ms
// keeps them spinning, and on a small box each of those wake-ups is paid in CPU. The kernel's
// timer slack lets a timed park end up to that much later, so the same spin takes fewer wake-ups.
// The slack is set on the running Cassandra's threads (/proc/TID/timerslack_ns; root or
// CAP_SYS_NICE), the settings interleaved, and restored at the end.
//   node services/timeline/bench/cassandra-timer-slack.ts --cassandra-pid PID [--rate 10] [--seconds 10]
//        [--followers 40] [--rounds 3] [--slacks 50000,200000,1000000]
// CPU is Cassandra's (/proc/PID/stat) and this process's (the timeline's fan-out), per tweet,
// median of the rounds; latency is one fan-out's (record, followers, rows, checks), p50 and p99.
// Needs CASSANDRA_CONTACT_POINTS and REDIS_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { createIdGenerator } from '@chirp/kernel/ids';
import { summarize } from '../../../bench/src/stats.ts';
import { setTimerSlack, timerSlackOf } from '../../../bench/src/timer-slack.ts';
import { benchTimelineService, median, openBenchStores, ownCpuMs, processCpuMs, roundOrder } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    'cassandra-pid': { type: 'string' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    followers: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    slacks: { type: 'string', default: '50000,200000,1000000' },
  },
});
if (!values['cassandra-pid']) throw new Error('--cassandra-pid is required (the pid of the Cassandra at CASSANDRA_CONTACT_POINTS)');
const cassandraPid = Number(values['cassandra-pid']);
const [rate, seconds, followerCount, rounds] = [Number(values.rate), Number(values.seconds), Number(values.followers), Number(values.rounds)];
const slacks = values.slacks.split(',').map(Number);

const found = timerSlackOf(cassandraPid);

const stores = await openBenchStores('slack');
const service = benchTimelineService(stores);
const ids = createIdGenerator({ workerId: 1003 });
const authorId = '7001';
for (let i = 0; i < followerCount; i += 1) {
  await service.recordFollowChange({ followerId: String(7_100_000 + i), followeeId: authorId, sequence: String(i + 1), following: true });
}
console.log(`Cassandra's timer slack was ${found} ns; ${rounds} rounds of ${rate} tweets/s for ${seconds} s per setting, each to ${followerCount} followers`);

const results = new Map(slacks.map((ns) => [ns, { cassandra: [] as number[], timeline: [] as number[], latencies: [] as number[] }]));
try {
  for (let round = 0; round < rounds; round += 1) {
    // Each round starts with the next setting, so a drift within a round falls on each in turn.
    for (const ns of roundOrder(slacks, round)) {
      setTimerSlack(cassandraPid, ns);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const count = rate * seconds;
      const [node0, cass0] = [ownCpuMs(), processCpuMs(cassandraPid)];
      const start = performance.now();
      const latencies: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const sent = performance.now();
        await service.fanOut({ tweetId: ids.next(), authorId, createdAt: new Date().toISOString() });
        latencies.push(performance.now() - sent);
      }
      const [node1, cass1] = [ownCpuMs(), processCpuMs(cassandraPid)];
      const result = results.get(ns)!;
      result.cassandra.push((cass1 - cass0) / count);
      result.timeline.push((node1 - node0) / count);
      result.latencies.push(...latencies);
      console.log(`  round ${round + 1} slack ${ns} ns: cassandra ${((cass1 - cass0) / count).toFixed(2)} ms CPU per tweet, fan-out p50 ${summarize(latencies).p50.toFixed(2)} ms`);
    }
  }
} finally {
  setTimerSlack(cassandraPid, found);
  await stores.close();
}
console.log('| timer slack | Cassandra CPU per tweet (ms) | timeline CPU per tweet (ms) | fan-out p50 / p99 (ms) |');
console.log('| --- | --- | --- | --- |');
for (const [ns, result] of results) {
  const { p50, p99 } = summarize(result.latencies);
  const latency = `${p50.toFixed(2)} / ${p99.toFixed(2)}`;
  console.log(`| ${ns / 1000} µs | ${median(result.cassandra).toFixed(2)} | ${median(result.timeline).toFixed(2)} | ${latency} |`);
}
