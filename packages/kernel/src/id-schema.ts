import { FormatRegistry, Type } from '@sinclair/typebox';
import { isValidId } from './ids.ts';

/** A decimal id that fits a positive signed 64-bit integer, checked by value, not only by digits. */
export const ID_FORMAT = 'chirp-id';

// TypeBox's compiler (events) knows the format from here; Fastify's Ajv learns it in http-service.
FormatRegistry.Set(ID_FORMAT, isValidId);

/** The schema of an id in HTTP routes and event payloads: 1 to 9223372036854775807, as a string. */
export const IdString = (options: { description?: string } = {}) => Type.String({ format: ID_FORMAT, ...options });
