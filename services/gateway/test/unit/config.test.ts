import { ConfigError } from '@chirp/common/config';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/infrastructure/config.ts';

const valid = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  USER_SERVICE_URL: 'http://user:8080',
  TWEET_SERVICE_URL: 'http://tweet:8080',
  TIMELINE_SERVICE_URL: 'http://timeline:8080',
};

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadGatewayConfig({ ...valid, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
};

describe('the gateway configuration', () => {
  it('when every variable is valid, then it loads', () => {
    expect(loadGatewayConfig(valid)).toMatchObject({ RATE_LIMIT_PERIOD_SECONDS: 60, RATE_LIMIT_POST: 30 });
  });

  it('when a rate limit is more than one request per microsecond of its period, then it is refused, naming both variables', () => {
    const problems = problemsOf({ RATE_LIMIT_PERIOD_SECONDS: '1', RATE_LIMIT_ANONYMOUS: '1000001', RATE_LIMIT_POST: '5000000' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^RATE_LIMIT_ANONYMOUS=1000001 cannot work with RATE_LIMIT_PERIOD_SECONDS=1/);
    expect(problems[1]).toMatch(/^RATE_LIMIT_POST=5000000 cannot work/);
  });

  it('when a rate limit is exactly one request per microsecond, then it loads', () => {
    expect(problemsOf({ RATE_LIMIT_PERIOD_SECONDS: '2', RATE_LIMIT_AUTHENTICATED: '2000000' })).toEqual([]);
  });

  it('when a URL has a scheme its client cannot speak, then it is refused, naming the variable', () => {
    const problems = problemsOf({ REDIS_URL: 'http://127.0.0.1:6379', TWEET_SERVICE_URL: 'redis://tweet:8080' });
    expect(problems.map((problem) => problem.split('=')[0])).toEqual(['REDIS_URL', 'TWEET_SERVICE_URL']);
    expect(problemsOf({ REDIS_URL: 'rediss://cache.internal:6380', USER_SERVICE_URL: 'https://user.internal' })).toEqual([]);
  });
});
