/** The time, as use cases ask for it; tests pass a settable one (@chirp/testing/fakes). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
