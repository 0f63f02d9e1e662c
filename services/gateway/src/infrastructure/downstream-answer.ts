import { errorFromProblem } from '@chirp/common/problems';
import type { ServiceClient, ServiceRequest, ServiceResponse } from '@chirp/common/service-client';
import type { CallContext } from '../use-cases/ports.ts';

/**
 * A path segment from a client, encoded. Encoding alone does not stop `..` (URLs resolve `%2E%2E`
 * too), which is why the public routes accept handles and ids only by pattern.
 */
export const segment = (value: string): string => encodeURIComponent(value);

/**
 * Calls to one downstream, each returning its body when the status is the expected one. A
 * problem answer (404 USER_NOT_FOUND, 409 HANDLE_TAKEN...) is raised again as the same error;
 * any other answer is a bug between services, and stays a 500 with the details in the log.
 */
export function downstreamCalls(client: ServiceClient, downstream: string) {
  return async <T>(expected: number, request: Omit<ServiceRequest, 'requestId'>, ctx: CallContext): Promise<T> => {
    const response = await client.request<T>({ ...request, requestId: ctx.requestId });
    return bodyOf(response, expected, `${downstream} answered ${request.method} ${request.path}`);
  };
}

/** The body of an answer with the expected status; otherwise the error `downstreamCalls` describes. */
export function bodyOf<T>(response: ServiceResponse<T>, expected: number, what: string): T {
  if (response.status === expected) return response.body;
  const error = errorFromProblem(response.status, response.body);
  if (error) throw error;
  throw new Error(`${what} with ${response.status} where ${expected} was expected`);
}

/** Query parameters for a page, the viewer (when signed in) and anything else. */
export const pageQuery = (page: { limit: number; cursor?: string }, viewerId: string | undefined, extra: Record<string, string> = {}) => ({
  ...extra,
  limit: page.limit,
  cursor: page.cursor,
  viewerId,
});
