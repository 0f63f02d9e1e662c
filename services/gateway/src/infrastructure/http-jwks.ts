import { randomUUID } from 'node:crypto';
import type { Jwk } from '@chirp/common/auth';
import { DependencyUnavailableError, DomainError } from '@chirp/kernel/errors';
import type { ServiceClient } from '@chirp/common/service-client';

/**
 * Fetches the user service's signing keys. Whatever goes wrong (down, an error answer, a body
 * that is not a key set) is that service's outage to the client: a 503, never its 404 or a 500.
 */
export function createHttpJwksSource(client: ServiceClient): () => Promise<{ keys: Jwk[] }> {
  return async () => {
    let response;
    try {
      response = await client.request<{ keys?: unknown }>({ method: 'GET', path: '/.well-known/jwks.json', requestId: `jwks-${randomUUID()}` });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DependencyUnavailableError('user', 'its signing keys could not be read', { cause: error });
    }
    if (response.status !== 200 || typeof response.body !== 'object' || response.body === null || !Array.isArray(response.body.keys)) {
      throw new DependencyUnavailableError('user', 'its signing keys could not be read', {
        cause: new Error(`GET /.well-known/jwks.json answered ${response.status} without a key set`),
      });
    }
    return { keys: response.body.keys as Jwk[] };
  };
}
