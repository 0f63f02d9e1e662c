// The third way to real servers: containers, where a Docker engine answers.
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';

export async function startContainers(): Promise<() => Promise<void>> {
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(
      'integration tests need real servers and found none: set DATABASE_URL, REDIS_URL, CASSANDRA_CONTACT_POINTS and ' +
        'AWS_ENDPOINT_URL, or install the local stack (make system-deps), or run a Docker engine for testcontainers',
      { cause: error },
    );
  }
  const started: StartedTestContainer[] = await Promise.all([
    new GenericContainer('postgres:15-alpine')
      .withEnvironment({ POSTGRES_USER: 'chirp', POSTGRES_PASSWORD: 'chirp', POSTGRES_DB: 'chirp' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage('database system is ready to accept connections', 2))
      .start(),
    new GenericContainer('redis:7-alpine').withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage('Ready to accept connections')).start(),
    new GenericContainer('cassandra:5.0')
      .withEnvironment({ MAX_HEAP_SIZE: '512M', HEAP_NEWSIZE: '128M' })
      .withExposedPorts(9042)
      .withWaitStrategy(Wait.forLogMessage('Starting listening for CQL clients'))
      .withStartupTimeout(240_000)
      .start(),
    new GenericContainer('kibertoad/fauxqs:latest').withExposedPorts(4566).withWaitStrategy(Wait.forHttp('/health', 4566)).start(),
  ]);
  const [pg, redis, cassandra, sqs] = started as [StartedTestContainer, StartedTestContainer, StartedTestContainer, StartedTestContainer];
  Object.assign(process.env, {
    DATABASE_URL: `postgres://chirp:chirp@${pg.getHost()}:${pg.getMappedPort(5432)}/chirp`,
    REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    CASSANDRA_CONTACT_POINTS: `${cassandra.getHost()}:${cassandra.getMappedPort(9042)}`,
    CASSANDRA_LOCAL_DC: 'datacenter1',
    AWS_ENDPOINT_URL: `http://${sqs.getHost()}:${sqs.getMappedPort(4566)}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  return async () => {
    await Promise.all(started.map((container) => container.stop()));
  };
}
