import { FormatRegistry, Type } from '@sinclair/typebox';
import { isValidId } from './ids.ts';

/** A decimal id that fits a positive signed 64-bit integer, checked by value, not only by digits. */
export const ID_FORMAT = 'chirp-id';

// TypeBox's compiler (events) knows the format from here; Fastify's Ajv learns it in http-service.
FormatRegistry.Set(ID_FORMAT, isValidId);

/** A pattern for the decimal integers 1..`max`, no leading zero: shorter numbers, then each digit of `max` in turn kept or undercut. */
function decimalUpTo(max: string): string {
  const branches = max.length > 1 ? [`[1-9][0-9]{0,${max.length - 2}}`] : [];
  for (let i = 0; i < max.length; i += 1) {
    const lowest = i === 0 ? 1 : 0;
    const digit = Number(max[i]);
    if (digit > lowest) branches.push(`${max.slice(0, i)}[${lowest}-${digit - 1}]${i < max.length - 1 ? `[0-9]{${max.length - 1 - i}}` : ''}`);
  }
  branches.push(max);
  return `^(?:${branches.join('|')})$`;
}

/**
 * The format's rule (1 to 9223372036854775807, no leading zero) as a pattern, so the OpenAPI
 * document states it in a form every client and fuzzer reads.
 */
export const ID_PATTERN = decimalUpTo('9223372036854775807');

/** The schema of an id in HTTP routes and event payloads: 1 to 9223372036854775807, as a string. */
export const IdString = (options: { description?: string } = {}) => Type.String({ format: ID_FORMAT, pattern: ID_PATTERN, ...options });
