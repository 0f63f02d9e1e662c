import { DeleteBucketCommand, GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { stackEnv, uniqueName } from '@chirp/testing/stack';
import { expect, it } from 'vitest';
import { createS3Client, ensureMediaBucket } from '../../src/object-storage.ts';

it('when the media bucket is ensured twice, then it exists once with its lifecycle rule', async () => {
  const env = stackEnv();
  const s3 = createS3Client({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL });
  const bucket = uniqueName('t-ensure-').toLowerCase();
  try {
    await ensureMediaBucket(s3, bucket);
    await ensureMediaBucket(s3, bucket);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(lifecycle.Rules?.map((rule) => [rule.ID, rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation])).toEqual([['abort-incomplete-uploads', 1]]);
  } finally {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
  }
});
