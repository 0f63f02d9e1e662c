// The local SNS/SQS emulator (fauxqs), started with Chirp's topology as its init config, which
// it applies before it listens: after a restart no publish can reach a topic before the topic's
// subscriptions exist. With FAUXQS_DATA_DIR set it persists queues, messages, topics and
// subscriptions there (SQLite), so a restart loses nothing that was acknowledged.
//   FAUXQS_PORT (4566), FAUXQS_HOST (host named in queue URLs, localhost), FAUXQS_DATA_DIR, AWS_REGION
import { CHIRP_TOPOLOGY, emulatorInitConfig } from '@chirp/common/messaging-topology';
import { startFauxqs } from 'fauxqs';

const dataDir = process.env.FAUXQS_DATA_DIR;
const server = await startFauxqs({
  port: Number(process.env.FAUXQS_PORT ?? 4566),
  host: process.env.FAUXQS_HOST ?? 'localhost',
  logger: process.env.FAUXQS_LOGGER === 'true',
  ...(dataDir ? { dataDir } : {}),
  init: emulatorInitConfig(CHIRP_TOPOLOGY, { region: process.env.AWS_REGION ?? 'us-east-1' }),
});
console.log(JSON.stringify({ port: server.port, persistence: dataDir ?? 'none' }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().finally(() => process.exit(0));
  });
}
