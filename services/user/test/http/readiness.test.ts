import { describe, expect, it } from 'vitest';
import { aUserApp } from '../fakes/fake-ports.ts';

describe('user service readiness', () => {
  it('when its dependencies answer, then /readyz is 200 naming each', async () => {
    const { app } = aUserApp();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toEqual({ postgres: 'ok' });
    await app.close();
  });

  it('when postgres is down, then /readyz is 503 naming it and /healthz stays 200', async () => {
    const { app } = aUserApp({ readiness: { postgres: () => Promise.reject(new Error('connection refused')) } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toContain('postgres: connection refused');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
