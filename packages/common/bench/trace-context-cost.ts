// What tracing costs when it is off (no OTLP endpoint, so no SDK: the OpenTelemetry API is a no-op):
// the calls the messaging path makes per event, timed over many rounds, against doing nothing.
//   node packages/common/bench/trace-context-cost.ts
import { captureTraceContext, inProcessSpan, openPublishSpan, TRACE_CARRIER } from '../src/trace-context.ts';

const ROUNDS = 200_000;
const event = { id: 'e1', type: 'tweet.created', [TRACE_CARRIER]: null };

async function time(name: string, body: () => unknown): Promise<number> {
  for (let i = 0; i < 10_000; i++) await body(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await body();
  const perCall = Number(process.hrtime.bigint() - start) / ROUNDS;
  console.log(`${name.padEnd(48)} ${perCall.toFixed(0).padStart(6)} ns per event`);
  return perCall;
}

const baseline = await time('await of a resolved handler (baseline)', () => Promise.resolve());
const perEvent =
  (await time('captureTraceContext (appendToOutbox)', () => captureTraceContext())) +
  (await time('openPublishSpan + end (relay, per event)', () => openPublishSpan(event).end())) +
  (await time('inProcessSpan around a handler (consumer)', () => inProcessSpan({}, event, 'q', () => Promise.resolve()))) -
  baseline;
console.log(`added per event with tracing off: ~${(perEvent / 1000).toFixed(2)} µs`);
