// Moves dead-lettered messages back to their source queues (make redrive), after the cause of the
// failures is fixed. Idempotent: a second run moves only what was dead-lettered since.
//   node scripts/redrive.ts [--queue chirp-timeline ...] [--dry-run]
// Against the emulator with AWS_ENDPOINT_URL set; in AWS prefer `aws sqs start-message-move-task`
// (k8s/README.md, "Dead-letter queues and redrive"). Prints one JSON line per queue.
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { redriveDeadLetters } from '@chirp/common/dlq-redrive';
import { CHIRP_TOPOLOGY, deadLetterQueueName } from '@chirp/common/messaging-topology';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const named = args.flatMap((arg, index) => (arg === '--queue' && args[index + 1] ? [args[index + 1]!] : []));
const unknown = named.filter((name) => !CHIRP_TOPOLOGY.queues.some((queue) => queue.name === name));
if (unknown.length > 0) {
  console.error(`unknown queue ${unknown.join(', ')}; the queues are ${CHIRP_TOPOLOGY.queues.map((queue) => queue.name).join(', ')}`);
  process.exit(2);
}
const prefix = process.env.CHIRP_TOPOLOGY_PREFIX ?? '';
const { sns, sqs } = createAwsMessagingClients({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: prefix + name }))).QueueUrl!;

let failed = false;
for (const queue of CHIRP_TOPOLOGY.queues.filter((q) => named.length === 0 || named.includes(q.name))) {
  try {
    const [sourceQueueUrl, deadLetterQueueUrl] = await Promise.all([urlOf(queue.name), urlOf(deadLetterQueueName(queue.name))]);
    if (dryRun) {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      console.log(JSON.stringify({ queue: queue.name, deadLettered: Number(Attributes?.ApproximateNumberOfMessages ?? 0), moved: 0, dryRun }));
      continue;
    }
    const result = await redriveDeadLetters(sqs, { sourceQueueUrl, deadLetterQueueUrl });
    console.log(JSON.stringify({ queue: queue.name, deadLettered: result.found, moved: result.moved }));
  } catch (error) {
    failed = true;
    console.error(JSON.stringify({ queue: queue.name, error: (error as Error).message, check: 'AWS_ENDPOINT_URL, credentials, and that the topology is provisioned' }));
  }
}
sns.destroy();
sqs.destroy();
process.exit(failed ? 1 : 0);
