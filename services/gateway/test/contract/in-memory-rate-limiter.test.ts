import { createInMemoryRateLimiter } from '../fakes/in-memory-rate-limiter.ts';
import { rateLimiterContract } from './rate-limiter.contract.ts';

rateLimiterContract('the in-memory rate limiter', async () => ({ limiter: createInMemoryRateLimiter() }));
