// CPU per consumed message: one DeleteMessage per message, or DeleteMessageBatch gathered over a
// few ms (SQS_DELETE_BATCH_MS), interleaved. Messages are sent at a steady rate (as posts send
// them) to a fresh queue on the emulator, and one consumer handles them with a no-op handler.
//   node packages/common/bench/sqs-deletes.ts --emulator-pid PID [--rate 100] [--burst 1] [--messages 500] [--rounds 5] [--windows 0,5]
// CPU, from /proc/PID/stat (bench/src/cpu-usage.ts), is this process's (the consumer and the sender) and the emulator's.
// Needs AWS_ENDPOINT_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { createEvent, defineEvent, EventHandlerRegistry } from '@chirp/kernel/events';
import { createAwsMessagingClients } from '../src/aws-clients.ts';
import { createLogger } from '../src/logging.ts';
import { applyTopology } from '../src/messaging-topology.ts';
import { createSqsConsumer } from '../src/sqs-consumer.ts';
import { cpuAccounting, cpuMs } from '../../../bench/src/cpu-usage.ts';
import { median } from '../../../bench/src/stats.ts';

const { values } = parseArgs({
  options: {
    'emulator-pid': { type: 'string' },
    rate: { type: 'string', default: '100' },
    messages: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
    windows: { type: 'string', default: '0,5' },
    burst: { type: 'string', default: '1' },
  },
});
if (!process.env.AWS_ENDPOINT_URL) throw new Error('AWS_ENDPOINT_URL must be set; source .stack/env');
if (!values['emulator-pid']) throw new Error('--emulator-pid is required (the pid of the SNS/SQS emulator at AWS_ENDPOINT_URL)');
const emulatorPid = Number(values['emulator-pid']);
const [rate, messages, rounds] = [Number(values.rate), Number(values.messages), Number(values.rounds)];
const windows = values.windows.split(',').map(Number);
/** Messages sent together (1: one at a time, as single posts arrive; 10: a burst, as fan-out chunks or a relay catching up send them). */
const burst = Math.min(10, Number(values.burst));

const Noted = defineEvent('bench.noted', 1, Type.Object({ n: Type.Number() }));
const { sqs } = createAwsMessagingClients({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const prefix = `bench-deletes-${Date.now().toString(36)}-`;
const topology = await applyTopology({ sqs, sns: createAwsMessagingClients({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL }).sns }, { topics: [], queues: [{ name: 'q', subscribesTo: [], maxReceiveCount: 5, visibilityTimeoutSeconds: 30 }] }, prefix);
const queueUrl = topology.queueUrls.q!;
const log = createLogger('bench', 'warn');

// This process is the benchmark's 'load generator'; the emulator (and its children) its own role.
const EMULATOR = 'sns/sqs emulator';
const cpu = cpuAccounting(new Map([[emulatorPid, EMULATOR]]));

/** Sends `messages` at `rate` per second, `burst` at a time, and resolves when all are handled. */
async function runOnce(windowMs: number): Promise<{ node: number; emulator: number }> {
  let handled = 0;
  const consumer = createSqsConsumer({
    sqs,
    queueUrl,
    deadLetterQueueUrl: topology.deadLetterQueueUrls.q!,
    handlers: new EventHandlerRegistry().on(Noted, async () => {
      handled += 1;
    }),
    log,
    concurrency: 10,
    waitTimeSeconds: 1,
    deleteBatchWindowMs: windowMs,
  });
  consumer.start();
  const before = cpu.snapshot();
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += burst) {
    const due = started + (sent * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const entries = Array.from({ length: Math.min(burst, messages - sent) }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify(createEvent(Noted, { n: sent + i })) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  while (handled < messages) await new Promise((resolve) => setTimeout(resolve, 10));
  await consumer.stop();
  const used = cpuMs(before, cpu.snapshot());
  return { node: (used.get('load generator') ?? 0) / messages, emulator: (used.get(EMULATOR) ?? 0) / messages };
}

const results = new Map<number, { node: number[]; emulator: number[] }>(windows.map((w) => [w, { node: [], emulator: [] }]));
console.log(`${messages} messages at ${rate}/s (${burst} per send) per run, ${rounds} rounds, delete windows ${windows.join(', ')} ms (0: one DeleteMessage each), interleaved`);
for (let round = 0; round < rounds; round += 1) {
  for (const windowMs of windows) {
    const run = await runOnce(windowMs);
    results.get(windowMs)!.node.push(run.node);
    results.get(windowMs)!.emulator.push(run.emulator);
    console.log(`  round ${round + 1} window ${windowMs} ms: node ${run.node.toFixed(3)} ms, emulator ${run.emulator.toFixed(3)} ms CPU per message`);
  }
}
for (const [windowMs, result] of results) {
  console.log(`window ${windowMs} ms: node ${median(result.node).toFixed(3)} ms + emulator ${median(result.emulator).toFixed(3)} ms CPU per message (median of ${rounds}; the sender's calls included)`);
}
