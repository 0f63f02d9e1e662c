import { DeleteObjectsCommand, GetObjectCommand, type GetObjectCommandOutput, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { DependencyUnavailableError } from '@chirp/kernel/errors';
import type { MediaStorage } from '../use-cases/ports.ts';

/**
 * Media objects in one S3 bucket. Uploads never pass through the service: it hands out presigned
 * form POSTs whose policy pins the key, the content type and the exact length, so S3 refuses
 * anything else. Reads are served from `publicBaseUrl` (CloudFront in AWS, the emulator locally).
 * An S3 failure is DEPENDENCY_UNAVAILABLE (503), never a 500.
 */
export function createS3MediaStorage(s3: S3Client, options: { bucket: string; publicBaseUrl: string }): MediaStorage {
  const Bucket = options.bucket;
  const base = options.publicBaseUrl.replace(/\/+$/, '');
  const unavailable = (what: string, cause: unknown) =>
    new DependencyUnavailableError('object storage', `${what} in bucket ${Bucket} failed (check MEDIA_BUCKET and the S3 endpoint)`, { cause });
  return {
    async presignUpload({ key, contentType, size }, expiresAt) {
      const seconds = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
      try {
        const post = await createPresignedPost(s3, {
          Bucket,
          Key: key,
          Fields: { 'Content-Type': contentType },
          Conditions: [['content-length-range', size, size], ['eq', '$Content-Type', contentType]],
          Expires: seconds,
        });
        return { url: post.url, fields: post.fields, expiresAt };
      } catch (error) {
        throw unavailable('signing an upload', error);
      }
    },
    async read(key, maxBytes) {
      // GET rather than HEAD: a HEAD's 404 cannot tell a missing object from a missing bucket.
      let object: GetObjectCommandOutput;
      try {
        object = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw unavailable(`reading ${key}`, error);
      }
      const size = object.ContentLength ?? 0;
      if (size > maxBytes) {
        // Too large to be what was declared: its size is the answer, its bytes are never read.
        (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return { size, bytes: undefined };
      }
      try {
        const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
        return { size: bytes.byteLength, bytes };
      } catch (error) {
        throw unavailable(`reading ${key}`, error);
      }
    },
    urlOf: (key) => `${base}/${key.split('/').map(encodeURIComponent).join('/')}`,
    async delete(keys) {
      for (let start = 0; start < keys.length; start += 1000) {
        const Objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
        try {
          const answer = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
          const failed = answer.Errors?.[0];
          if (failed) throw new Error(`${answer.Errors?.length} objects were not deleted, the first ${failed.Key}: ${failed.Code} ${failed.Message}`);
        } catch (error) {
          throw unavailable(`deleting ${Objects.length} objects`, error);
        }
      }
    },
  };
}
