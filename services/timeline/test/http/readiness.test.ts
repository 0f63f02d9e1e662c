import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';

const config = { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 8192 };

describe('timeline service readiness', () => {
  it('when its dependencies answer, then /readyz is 200 naming each', async () => {
    const app = buildApp({ config, readiness: { cassandra: async () => 'ok', redis: async () => 'ok' } });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toEqual({ cassandra: 'ok', redis: 'ok' });
    await app.close();
  });

  it('when redis is down, then /readyz is 503 naming it and /healthz stays 200', async () => {
    const app = buildApp({ config, readiness: { cassandra: async () => 'ok', redis: () => Promise.reject(new Error('connection refused')) } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toContain('redis: connection refused');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
