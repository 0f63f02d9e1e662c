import { type Static, Type } from '@sinclair/typebox';
import { invalidCursor } from './errors.ts';
import { isValidId } from './ids.ts';

/** The API's page size rule: 1–100, 20 when absent. */
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/** Query parameters of every list endpoint. `cursor` is opaque to clients. */
export const PageQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuerySchema>;

/** The one list shape clients see. */
export const pageSchema = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Cursors are the keyset position of the last item, as base64url JSON. They are
 * opaque to clients, and every decoded value is checked, so a forged one is a 400.
 */
export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The `arity` strings of a cursor, each accepted by `valid`; anything else is INVALID_CURSOR. */
export function decodeCursor(cursor: string, arity: number, valid: (value: string, index: number) => boolean): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== arity) throw invalidCursor();
  const position: string[] = [];
  for (const [index, value] of decoded.entries()) {
    if (typeof value !== 'string' || !valid(value, index)) throw invalidCursor();
    position.push(value);
  }
  return position;
}

/** The position of a one-id cursor (a 64-bit id or sequence), or undefined for the first page. */
export const decodeIdCursor = (cursor: string | undefined): string | undefined =>
  cursor === undefined ? undefined : decodeCursor(cursor, 1, isValidId)[0];

/**
 * Cuts a result fetched with `limit + 1` rows into a page: the extra row only says
 * whether there is a next page, so no COUNT is ever needed.
 */
export function toPage<T, R>(rows: readonly T[], limit: number, positionOf: (row: T) => readonly string[], present: (row: T) => R): Page<R> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { data: shown.map(present), nextCursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
