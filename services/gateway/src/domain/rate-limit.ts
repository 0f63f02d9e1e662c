// Rate limits as GCRA (the generic cell rate algorithm): one stored time per client, the
// "theoretical arrival time" of its next request. It allows `limit` requests at once and
// one more every `period / limit` after that, with no window edge where the budget doubles.
// The Redis adapter runs the same arithmetic in Lua; one contract suite runs against both.

export interface RateLimit {
  /** Names the policy in headers and metrics (`default`, `sign-in`, `post`, ...). */
  policy: string;
  limit: number;
  periodSeconds: number;
}

/**
 * The policies of the general budgets (`limitFor` in adapters/http/rate-limiting.ts): signed-in
 * callers per user, the rest per address. They guard capacity, not secrets, so the gateway
 * decides them in each replica and syncs them (infrastructure/synced-rate-limiter.ts).
 */
export const GENERAL_POLICIES = { signedIn: 'user', anonymous: 'anonymous' } as const;

/** One client's budget under one policy: the key of its arrival time, in this process and in Redis. */
export const bucketOf = (key: string, limit: RateLimit): string => `${limit.policy}:${key}`;

/** Microseconds one request moves a budget's arrival time: `period / limit`. */
export const intervalMicros = (limit: RateLimit): number => (limit.periodSeconds * 1e6) / limit.limit;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the whole budget is back. */
  resetSeconds: number;
  /** Seconds until one more request is allowed; 0 when this one was. */
  retryAfterSeconds: number;
}

export interface GcraStep {
  decision: RateLimitDecision;
  /** The new arrival time to store (microseconds), or undefined when nothing changes. */
  nextTatMicros: number | undefined;
}

/** One request against a stored arrival time (`tatMicros`, undefined for a new client) at `nowMicros`. */
export function gcraStep(tatMicros: number | undefined, nowMicros: number, limit: RateLimit): GcraStep {
  const period = limit.periodSeconds * 1e6;
  const interval = intervalMicros(limit);
  const tat = Math.max(tatMicros ?? nowMicros, nowMicros);
  const nextTat = Math.floor(tat + interval);
  const allowAt = nextTat - period;
  if (nowMicros < allowAt) {
    return {
      decision: { allowed: false, limit: limit.limit, remaining: 0, resetSeconds: seconds(tat - nowMicros), retryAfterSeconds: Math.max(1, seconds(allowAt - nowMicros)) },
      nextTatMicros: undefined,
    };
  }
  return {
    decision: {
      allowed: true,
      limit: limit.limit,
      remaining: Math.max(0, Math.floor((period - (nextTat - nowMicros)) / interval)),
      resetSeconds: seconds(nextTat - nowMicros),
      retryAfterSeconds: 0,
    },
    nextTatMicros: nextTat,
  };
}

const seconds = (micros: number): number => Math.ceil(micros / 1e6);

/**
 * Who a budget belongs to: the user when the token says who it is, else the address. IPv6
 * clients are counted by /64, since one host commonly holds a whole /64 and could rotate through it.
 */
export function clientKey(caller: { userId: string } | undefined, ip: string): string {
  if (caller) return `u:${caller.userId}`;
  return `ip:${ip.includes(':') && !ip.startsWith('::ffff:') ? ipv6Prefix64(ip) : ip.replace(/^::ffff:/, '')}`;
}

function ipv6Prefix64(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
