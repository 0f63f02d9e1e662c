import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientConfig {
  region: string;
  /** Set for the emulator; unset in AWS, where the SDK resolves the regional endpoint. */
  endpoint?: string | undefined;
}

/**
 * SNS and SQS clients for one region. The endpoint is passed explicitly so the SQS
 * client sends to it rather than to the host inside queue URLs, which only resolves in AWS.
 */
export function createAwsMessagingClients(config: AwsClientConfig): { sns: SNSClient; sqs: SQSClient } {
  const common = { region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) };
  return { sns: new SNSClient(common), sqs: new SQSClient(common) };
}
