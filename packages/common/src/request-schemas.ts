// Request schemas of the services' internal APIs that more than one service answers with.
import { IdString } from '@chirp/kernel/id-schema';
import { PageQuerySchema } from '@chirp/kernel/pagination';
import { Type } from '@sinclair/typebox';

/** An object that refuses properties it does not name. */
export const Strict = { additionalProperties: false } as const;

/** A 64-bit id as a decimal string, in a path, query or body. */
export const IdParam = IdString();

/** `viewerId`: who asks, for the `following` and `likedByMe` fields. */
export const ViewerQuery = Type.Object({ viewerId: Type.Optional(IdParam) }, Strict);

/** A page of a list, and who asks. */
export const ListQuery = Type.Object({ ...PageQuerySchema.properties, viewerId: Type.Optional(IdParam) }, Strict);

/** A batch get of up to `maxIds` ids, and who asks. */
export const batchBody = (maxIds: number) =>
  Type.Object({ ids: Type.Array(IdParam, { minItems: 1, maxItems: maxIds }), viewerId: Type.Optional(IdParam) }, Strict);
