import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, HttpServerConfig, loadConfig, UrlString } from '../../src/config.ts';

const schema = Type.Object({
  ...HttpServerConfig,
  DATABASE_URL: UrlString(),
  RELAY_BATCH: Type.Integer({ minimum: 1, default: 100 }),
  FEATURE_ON: Type.Boolean({ default: false }),
});

const valid = { PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/chirp' };

describe('loadConfig', () => {
  it('when every variable is valid, then it converts types and fills defaults', () => {
    const config = loadConfig(schema, { ...valid, FEATURE_ON: 'true' });
    expect(config).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'info', RELAY_BATCH: 100, FEATURE_ON: true });
  });

  it('when a required variable is missing, then the error names it', () => {
    expect(() => loadConfig(schema, { PORT: '8080' })).toThrow(/DATABASE_URL is required but not set/);
  });

  it('when a variable is malformed, then the error names it and the bad value', () => {
    const attempt = () => loadConfig(schema, { ...valid, PORT: 'eighty' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT="eighty" is invalid/);
  });

  it('when several variables are bad, then all are listed at once', () => {
    try {
      loadConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.split(/[ =]/)[0]);
      expect(names.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('when an empty string is given, then it counts as unset', () => {
    expect(() => loadConfig(schema, { ...valid, DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
  });

  it('when variables outside the schema are present, then they are ignored', () => {
    const config = loadConfig(schema, { ...valid, UNRELATED: 'x' }) as Record<string, unknown>;
    expect(config.UNRELATED).toBeUndefined();
  });
});
