import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from './authentication.ts';
import { errorResponses, EVERY_ROUTE, JSON_BODY, NO_BODY, PARAMETERS, SIGNED_IN } from './problems.ts';
import { BEARER_SECURITY, contextOf, type RouteDeps } from './route-context.ts';
import { json, MediaParams, MediaRef, MediaUploadAnswer, MediaUploadBody } from './schemas.ts';

const UPLOAD_FLOW = `Uploading a picture takes three steps, and the file never passes through this API:

1. \`POST /v1/media\` with the file's \`contentType\` and exact \`size\`: the answer is a \`pending\` Media and an \`upload\` form.
2. \`POST\` the file to \`upload.url\` as \`multipart/form-data\`: every field of \`upload.fields\`, in order, then the file as the field \`file\`.
   The storage's policy refuses another key, another content type or another length; the form expires at \`upload.expiresAt\`.
3. \`GET /v1/media/{id}\` until \`status\` is \`ready\` (within 5 seconds of the upload; \`width\` and \`height\` are read from the file) or \`failed\`
   (the bytes are not the declared image type, or not the declared size). Then name it in \`mediaIds\` of \`POST /v1/tweets\`, or as \`avatarMediaId\`.

Media never attached is deleted after 24 hours; a deleted tweet's media stops being served.`;

/** Pictures: ask for an upload, then follow it (../shared/api/v1.md, "Additions", Media). */
export function registerMediaRoutes(parent: FastifyInstance, { media }: RouteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['media'];
  const required = { auth: 'required' } as const;

  app.post(
    '/v1/media',
    {
      config: { ...required, rateLimit: 'post' },
      schema: {
        operationId: 'requestMediaUpload',
        tags,
        summary: 'Ask to upload a picture',
        description: UPLOAD_FLOW,
        security: BEARER_SECURITY,
        body: MediaUploadBody,
        response: {
          201: json('A pending Media and the form that uploads its file straight to storage', MediaUploadAnswer),
          ...errorResponses(EVERY_ROUTE, SIGNED_IN, JSON_BODY, { 400: ['MEDIA_TYPE_UNSUPPORTED', 'MEDIA_TOO_LARGE', 'INVALID_MEDIA_SIZE'] }),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await media.requestUpload(callerOf(request).userId, request.body, contextOf(request))),
  );

  app.get(
    '/v1/media/:id',
    {
      config: required,
      schema: {
        operationId: 'getMedia',
        tags,
        summary: 'One of your media, to see when its upload is ready',
        description: "`pending` until the upload is verified, then `ready` or `failed`. Someone else's media is 404, as is an unknown one.",
        security: BEARER_SECURITY,
        params: MediaParams,
        response: { 200: json('The media', MediaRef), ...errorResponses(EVERY_ROUTE, SIGNED_IN, PARAMETERS, NO_BODY, { 404: ['MEDIA_NOT_FOUND'] }) },
      },
    },
    async (request) => media.get(callerOf(request).userId, request.params.id, contextOf(request)),
  );
}
