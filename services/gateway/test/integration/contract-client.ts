import { isValidId } from '@chirp/kernel/ids';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

interface Operation {
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** What register and login answer, as far as the walks use it. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; handle: string };
}

/** An answer's body, loosely typed for assertions; its real shape is checked against the document's schemas. */
export interface Answered {
  [field: string]: unknown;
  id: string;
  code: string;
  detail: string;
  handle: string;
  accessToken: string;
  refreshToken: string;
  user: Answered;
  data: Answered[];
  nextCursor: string | null;
}

export interface Answer<T = Answered> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON (for malformed or oversized bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/**
 * A client of the public API that holds every answer to the document the gateway serves: the
 * status must be documented for the operation, the body must match its schema, and an error's
 * code must be among those its description lists. A drift between the gateway and its document
 * fails the test that met it.
 */
export async function contractClient(baseUrl: string) {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('chirp-id', { type: 'string', validate: isValidId });
  ajv.addSchema({ $id: 'chirp', components: document.components });
  const validators = new Map<string, ValidateFunction>();
  const templates = Object.keys(document.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    literal: !path.includes('{'),
  }));
  const observed: string[] = [];

  const operationOf = (method: string, url: string): [string, Operation] => {
    const path = new URL(url, baseUrl).pathname;
    // A literal path (/v1/users/me) wins over a template (/v1/users/{handle}), as in the router.
    const match = templates.filter((t) => t.pattern.test(path)).sort((a, b) => Number(b.literal) - Number(a.literal))[0];
    const operation = match ? document.paths[match.path]?.[method.toLowerCase()] : undefined;
    if (!match || !operation) throw new Error(`${method} ${path} is not in the OpenAPI document`);
    return [`${method} ${match.path}`, operation];
  };

  async function call<T = Answered>(method: string, url: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const started = performance.now();
    const response = await fetch(`${baseUrl}${url}`, { method, headers, body: payload });
    const text = await response.text();
    const ms = performance.now() - started;
    const body = text === '' ? undefined : (JSON.parse(text) as T);
    const [where, operation] = operationOf(method, url);
    const documented = operation.responses[String(response.status)];
    expect(documented, `${where} answered ${response.status}, which its document does not list (body: ${text.slice(0, 200)})`).toBeDefined();
    if (response.status >= 400) {
      const code = (body as { code?: string } | undefined)?.code;
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(documented!.description, `${where} answered ${response.status} ${code}, a code its document does not list`).toMatch(new RegExp(`\\b${code}\\b`));
      observed.push(`${where} ${response.status} ${code}`);
    }
    const content = documented!.content;
    if (content) {
      const [type, { schema }] = Object.entries(content)[0]!;
      expect(response.headers.get('content-type')).toContain(type);
      const key = `${where} ${response.status}`;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"chirp#/components/')) as object);
        validators.set(key, validate);
      }
      expect(validate(body) ? [] : validate.errors, `${where} ${response.status} body does not match its schema`).toEqual([]);
    }
    return { status: response.status, headers: response.headers, body: body as T, ms };
  }

  return { call, document, observedErrors: () => [...new Set(observed)] };
}
