// S3 for the services that keep objects (the tweet service's media), and the bucket the local
// stacks create: the emulator (fauxqs) serves S3 on its SNS/SQS port.
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';

/** Where clients' uploads land when MEDIA_BUCKET names no other. */
export const DEFAULT_MEDIA_BUCKET = 'chirp-media';

/** An S3 client; with an endpoint (the local emulator) it addresses buckets by path. */
export function createS3Client(options: { region: string; endpoint?: string | undefined }): S3Client {
  return new S3Client({ region: options.region, ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}) });
}

/**
 * The bucket's lifecycle rule: an upload left incomplete goes after a day. (Unattached media
 * is removed by the tweet service's sweep, which knows what is attached; see services/tweet/README.md.)
 */
export const MEDIA_BUCKET_LIFECYCLE = {
  Rules: [{ ID: 'abort-incomplete-uploads', Status: 'Enabled' as const, Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
};

/** Creates the media bucket with its lifecycle rule; idempotent (an existing bucket of ours is fine). */
export async function ensureMediaBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof Error) || !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(error.name)) throw error;
  }
  await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: MEDIA_BUCKET_LIFECYCLE }));
}
