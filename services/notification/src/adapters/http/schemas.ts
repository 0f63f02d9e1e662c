import { NotificationSchema } from '@chirp/kernel/api-v1';
import { IdString } from '@chirp/kernel/id-schema';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '@chirp/kernel/pagination';
import { Strict } from '@chirp/common/request-schemas';
import { Type } from '@sinclair/typebox';
import { NOTIFICATION_TYPES } from '../../domain/notification.ts';

export { NotificationSchema };

export { Strict };
export const UserParams = Type.Object({ userId: IdString() }, Strict);

/** `types` and `upToId` are checked by the domain, so a bad one gets its own stable code rather than VALIDATION_FAILED. */
export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    types: Type.Optional(Type.String({ maxLength: 200, description: `Comma-separated: ${NOTIFICATION_TYPES.join(', ')}` })),
  },
  Strict,
);
export const MissedQuery = Type.Object(
  { after: Type.String({ maxLength: 32 }), limit: Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_MAX }) },
  Strict,
);
export const ReadBody = Type.Object({ upToId: Type.String({ maxLength: 32 }) }, Strict);

export const NotificationPageSchema = Type.Object({ data: Type.Array(Type.Ref(NotificationSchema)), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const MissedPageSchema = Type.Object({ data: Type.Array(Type.Ref(NotificationSchema)), nextAfter: Type.Union([Type.String(), Type.Null()]) });
export const UnreadCountSchema = Type.Object({ count: Type.Integer({ minimum: 0 }) }, Strict);
