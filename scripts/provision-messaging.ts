// Creates Chirp's topics, queues, dead-letter queues and subscriptions from the one
// declaration in @chirp/common. Idempotent; against the emulator or real AWS alike
// (AWS_ENDPOINT_URL unset means AWS itself, with the usual credential chain).
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { applyTopology, CHIRP_TOPOLOGY } from '@chirp/common/messaging-topology';

const clients = createAwsMessagingClients({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const applied = await applyTopology(clients, CHIRP_TOPOLOGY, process.env.CHIRP_TOPOLOGY_PREFIX ?? '');
console.log(JSON.stringify(applied, null, 2));
clients.sns.destroy();
clients.sqs.destroy();
