import { createTestRedis } from '@chirp/testing/stack';
import { afterAll, describe, expect, it } from 'vitest';

const { redis, cleanup } = createTestRedis();
afterAll(cleanup);

describe('Redis', () => {
  it('when a sorted set is written, then it reads back newest first and a repeated add changes nothing', async () => {
    await redis.zadd('home:1', '100', 'a', '300', 'c', '200', 'b');
    await redis.zadd('home:1', '300', 'c');
    expect(await redis.zrevrange('home:1', 0, -1)).toEqual(['c', 'b', 'a']);
    expect(await redis.zcard('home:1')).toBe(3);
  });

  it('when a pipeline runs, then every command is answered in order', async () => {
    const results = await redis.pipeline().set('k', 'v', 'EX', 60).get('k').ttl('k').exec();
    expect(results?.map(([error, value]) => [error, value])).toEqual([
      [null, 'OK'],
      [null, 'v'],
      [null, 60],
    ]);
  });
});
