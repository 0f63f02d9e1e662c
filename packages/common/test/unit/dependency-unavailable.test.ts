import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, DomainError } from '@chirp/kernel/errors';
import { isDependencyUnavailable } from '../../src/problems.ts';
import { InvalidEventError } from '@chirp/kernel/events';

const withCode = (message: string, code: string | number, name?: string) => Object.assign(new Error(message), { code }, name ? { name } : {});
const { errors, types } = cassandra;
// The driver's typings declare DriverError abstract; the driver itself constructs it (connection.js).
const aDriverError = (message: string) => new (errors.DriverError as unknown as new (message: string) => Error)(message);

describe('isDependencyUnavailable: a store or downstream that cannot answer now', () => {
  it.each([
    ['postgres shut down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['postgres connection failure (08006)', withCode('connection failure', '08006')],
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect')],
    ['a dropped pg connection', new Error('Connection terminated unexpectedly')],
    ['cassandra: no host available', new errors.NoHostAvailableError({})],
    ['cassandra: operation timed out', new errors.OperationTimedOutError('timed out', '127.0.0.1:9042')],
    ['cassandra: write timeout', new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'write timeout')],
    ['cassandra: unavailable', new errors.ResponseError(types.responseErrorCodes.unavailableException, 'not enough replicas')],
    // What the driver hands a non-idempotent statement in flight when its node is killed (connection.js).
    ['cassandra: socket closed under a request', Object.assign(aDriverError('Socket was closed'), { isSocketError: true })],
    ['redis: offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['redis: connection closed', new Error('Connection is closed.')],
    ['redis: retries per request', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
    ['a downstream 503 or open breaker', new DependencyUnavailableError('tweet', 'breaker open')],
    ['any of those as a cause', new Error('fan-out failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('%s: yes', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an invalid event', new InvalidEventError('payload is invalid')],
    ['a domain error', new DomainError('not_found', 'USER_NOT_FOUND', 'no such user')],
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['cassandra: a syntax error', new errors.ResponseError(types.responseErrorCodes.syntaxError, 'line 1: no viable alternative')],
    ['cassandra: a driver error that is not the socket', aDriverError('Client is shutdown')],
    ['not an error at all', 'ECONNREFUSED'],
  ])('%s: no', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
