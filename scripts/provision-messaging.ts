// Creates Chirp's topics, queues, dead-letter queues and subscriptions from the one
// declaration in @chirp/common, and on the emulator the media bucket. Idempotent; against the emulator or real AWS alike
// (AWS_ENDPOINT_URL unset means AWS itself, with the usual credential chain).
// Prints what it applied as JSON, or with --env as shell exports named after each resource:
// TOPIC_ARN_CHIRP_USER_EVENTS, QUEUE_URL_CHIRP_USER, DLQ_URL_CHIRP_USER, ...
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { applyTopology, CHIRP_TOPOLOGY } from '@chirp/common/messaging-topology';
import { createS3Client, DEFAULT_MEDIA_BUCKET, ensureMediaBucket } from '@chirp/common/object-storage';

const clients = createAwsMessagingClients({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const applied = await applyTopology(clients, CHIRP_TOPOLOGY, process.env.CHIRP_TOPOLOGY_PREFIX ?? '');
// On the emulator, the media bucket too (fauxqs serves S3 on the same port). In AWS the bucket,
// its CloudFront distribution and its policy are made once by hand (k8s/README.md, "Media bucket").
if (process.env.AWS_ENDPOINT_URL) {
  const s3 = createS3Client({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
  await ensureMediaBucket(s3, process.env.MEDIA_BUCKET ?? DEFAULT_MEDIA_BUCKET);
  s3.destroy();
}
const variable = (kind: string, name: string) => `${kind}_${name.toUpperCase().replaceAll('-', '_')}`;
if (process.argv.includes('--env')) {
  const lines = [
    ...Object.entries(applied.topicArns).map(([name, arn]) => `export ${variable('TOPIC_ARN', name)}=${arn}`),
    ...Object.entries(applied.queueUrls).map(([name, url]) => `export ${variable('QUEUE_URL', name)}=${url}`),
    ...Object.entries(applied.deadLetterQueueUrls).map(([name, url]) => `export ${variable('DLQ_URL', name)}=${url}`),
  ];
  console.log(lines.join('\n'));
} else {
  console.log(JSON.stringify(applied, null, 2));
}
clients.sns.destroy();
clients.sqs.destroy();
