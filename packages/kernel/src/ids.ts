/**
 * 64-bit time-ordered ids in the Snowflake layout:
 * 1 unused sign bit | 41 bits of milliseconds since CHIRP_EPOCH | 10 bits worker | 12 bits sequence.
 * 41 bits of milliseconds last about 69 years from the epoch; 4096 ids per millisecond per worker.
 */
export const CHIRP_EPOCH_MS = Date.UTC(2024, 0, 1);
export const MAX_WORKER_ID = 1023;
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;
const MAX_TIME = (1n << 41n) - 1n;

/** What use cases take to make ids: a new time-ordered 64-bit id, as a decimal string. */
export interface IdSource {
  next(): string;
}

export interface IdGenerator extends IdSource {
  nextBigInt(): bigint;
}

export interface IdGeneratorOptions {
  workerId: number;
  now?: () => number;
  /** How long to wait for the clock before failing when it moved backwards. */
  maxClockSkewMs?: number;
}

export class ClockMovedBackwardsError extends Error {
  constructor(lastMs: number, nowMs: number) {
    super(`clock moved backwards by ${lastMs - nowMs} ms; refusing to issue ids that could repeat (check NTP on this host)`);
    this.name = 'ClockMovedBackwardsError';
  }
}

export function createIdGenerator(options: IdGeneratorOptions): IdGenerator {
  const { workerId } = options;
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw new RangeError(`workerId must be an integer in 0..${MAX_WORKER_ID}, got ${workerId}`);
  }
  const now = options.now ?? Date.now;
  const maxSkew = options.maxClockSkewMs ?? 5;
  const worker = BigInt(workerId) << SEQUENCE_BITS;
  let lastMs = -1;
  let sequence = 0n;

  const currentMs = (): number => {
    let ms = now();
    if (ms < lastMs) {
      // Small steps back (NTP slew) are waited out; large ones are refused.
      if (lastMs - ms > maxSkew) throw new ClockMovedBackwardsError(lastMs, ms);
      while (ms < lastMs) ms = now();
    }
    return ms;
  };

  const nextBigInt = (): bigint => {
    let ms = currentMs();
    if (ms === lastMs) {
      sequence = (sequence + 1n) & MAX_SEQUENCE;
      if (sequence === 0n) {
        while (ms <= lastMs) ms = now();
      }
    } else {
      sequence = 0n;
    }
    lastMs = ms;
    const elapsed = BigInt(ms - CHIRP_EPOCH_MS);
    if (elapsed < 0n || elapsed > MAX_TIME) throw new RangeError(`time ${new Date(ms).toISOString()} is outside the id epoch`);
    return (elapsed << (WORKER_BITS + SEQUENCE_BITS)) | worker | sequence;
  };

  return { nextBigInt, next: () => nextBigInt().toString() };
}

export interface DecodedId {
  timestamp: Date;
  workerId: number;
  sequence: number;
}

export function decodeId(id: string | bigint): DecodedId {
  const value = typeof id === 'bigint' ? id : BigInt(id);
  return {
    timestamp: new Date(Number(value >> (WORKER_BITS + SEQUENCE_BITS)) + CHIRP_EPOCH_MS),
    workerId: Number((value >> SEQUENCE_BITS) & BigInt(MAX_WORKER_ID)),
    sequence: Number(value & MAX_SEQUENCE),
  };
}

const MAX_ID = (1n << 63n) - 1n;

/** True for a decimal string that fits a positive signed 64-bit integer (what Postgres bigint holds). */
export function isValidId(value: string): boolean {
  if (!/^[1-9][0-9]{0,18}$/.test(value)) return false;
  return BigInt(value) <= MAX_ID;
}

/** The smallest id that could have been issued at `time`; for "since" queries over id ranges. */
export function idFloorAt(time: Date): bigint {
  return BigInt(time.getTime() - CHIRP_EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS);
}
