import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { aGateway } from './gateway-harness.ts';

type OpenApi = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { description: string }>; operationId?: string }>> };

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
interface Schema {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
}
interface Operation {
  parameters?: Array<{ name: string; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

describe('the OpenAPI document', () => {
  it('when fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const { app } = await aGateway();
    const document = (await app.inject({ url: '/openapi.json' })).json<OpenApi>();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    await app.close();
  });

  // Not operations of their own: HEAD answers every GET, OPTIONS * is the CORS preflight, and /docs/* are the docs page's assets.
  it('when a route is registered, then the document has it', async () => {
    const routes: Array<{ method: string; url: string }> = [];
    const { app } = await aGateway({ onRoute: (route) => routes.push(route) });
    const document = (await app.inject({ url: '/openapi.json' })).json<OpenApi>();
    const served = routes.filter(({ method, url }) => method !== 'HEAD' && url !== '*' && !url.startsWith('/docs/')).map(({ method, url }) => `${method} ${openApiPath(url)}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(served.length).toBeGreaterThan(20);
    expect(new Set(documented)).toEqual(new Set(served));
    await app.close();
  });

  it('when a public route is documented, then it has an operation id, a described success and the 429 and 503 every route can answer', async () => {
    const { app } = await aGateway();
    const document = (await app.inject({ url: '/openapi.json' })).json<OpenApi>();
    const v1 = Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/'));
    expect(v1.flatMap(([, operations]) => Object.keys(operations))).toHaveLength(23);
    for (const [path, operations] of v1) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        expect(operation.operationId, where).toBeTruthy();
        const statuses = Object.keys(operation.responses);
        const success = statuses.find((status) => status.startsWith('2'));
        expect(success, where).toBeDefined();
        expect(operation.responses[success!]!.description, where).not.toBe('Default Response');
        expect(statuses, where).toEqual(expect.arrayContaining(['429', '503']));
        expect(operation.responses['429']!.description, where).toContain('RATE_LIMITED');
      }
    }
    await app.close();
  });

  it('when a parameter has a default or a route works signed out, then the document says so', async () => {
    const { app } = await aGateway();
    const document = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { parameters: Array<{ name: string; required: boolean }>; security?: unknown[] }>> }>();
    const followers = document.paths['/v1/users/{handle}/followers']!.get!;
    expect(followers.parameters.find((p) => p.name === 'limit')).toMatchObject({ required: false });
    expect(followers.security).toEqual([{}, { bearerAuth: [] }]);
    expect(document.paths['/v1/timelines/home']!.get!.security).toEqual([{ bearerAuth: [] }]);
    await app.close();
  });

  it('when a field has a rule, then the document states it: ids, handles, the contract lengths, the Idempotency-Key', async () => {
    const { app } = await aGateway();
    const body = (await app.inject({ url: '/openapi.json' })).body;
    const document = JSON.parse(body) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
    const parameter = (path: string, method: string, name: string) => document.paths[path]![method]!.parameters!.find((p) => p.name === name)!.schema;
    const bodyOf = (path: string, method: string) => document.paths[path]![method]!.requestBody!.content['application/json']!.schema.properties!;
    const id = new RegExp(parameter('/v1/tweets/{id}', 'get', 'id').pattern!);
    expect(['1', '9223372036854775807'].map((value) => id.test(value))).toEqual([true, true]);
    expect(['0', '01', '9223372036854775808', 'abc'].map((value) => id.test(value))).toEqual([false, false, false, false]);
    expect(document.components.schemas.Tweet!.properties!.id!.pattern).toBe(parameter('/v1/tweets/{id}', 'get', 'id').pattern);
    expect(parameter('/v1/users/{handle}', 'get', 'handle')).toMatchObject({ pattern: '^[A-Za-z0-9_]{3,15}$', maxLength: 15 });
    expect(bodyOf('/v1/auth/register', 'post')).toMatchObject({
      handle: { pattern: '^[A-Za-z0-9_]{3,15}$', minLength: 3, maxLength: 15 },
      password: { minLength: 8, maxLength: 128 },
      displayName: { minLength: 1, maxLength: 50 },
    });
    expect(bodyOf('/v1/users/me', 'patch')).toMatchObject({ displayName: { maxLength: 50 }, bio: { maxLength: 160 } });
    expect(parameter('/v1/search/tweets', 'get', 'q')).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(parameter('/v1/tweets', 'post', 'idempotency-key')).toMatchObject({ pattern: '^[A-Za-z0-9_.:-]{1,128}$', maxLength: 128 });
    expect(body).not.toContain('x-chirp-enforced');
    await app.close();
  });

  it('when /docs is opened, then the interactive docs are served', async () => {
    const { app } = await aGateway();
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
    await app.close();
  });
});
