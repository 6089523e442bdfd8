// Which driver errors mean the database is gone or did not answer in time (a replica out of rotation, a 503 at
// the API), on PostgreSQL and MariaDB, as node-postgres, pg-pool and mysql2 raise them.
import { DriverException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isConnectionFailure, isDatabaseUnavailable } from '../../src/driver/connection-errors.ts';

const error = (message: string, fields: { code?: string; errno?: number } = {}) =>
  Object.assign(new Error(message), fields);

describe('isConnectionFailure', () => {
  it('tells a server that went away from a statement it refused (PostgreSQL)', () => {
    expect(isConnectionFailure(error('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionFailure(error('terminating connection due to administrator command', { code: '57P01' }))).toBe(
      true,
    );
    expect(isConnectionFailure(error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isConnectionFailure(error('the database system is starting up', { code: '57P03' }))).toBe(true);
    expect(isConnectionFailure(error('connection failure', { code: '08006' }))).toBe(true);
    expect(isConnectionFailure(error('canceling statement due to conflict with recovery', { code: '40001' }))).toBe(
      false,
    );
    expect(isConnectionFailure(error('syntax error', { code: '42601' }))).toBe(false);
    // The SQLSTATE class is two characters of five: 22008 is a bad date, not a connection exception.
    expect(isConnectionFailure(error('date/time field value out of range', { code: '22008' }))).toBe(false);
    // pg-pool says this both for a connection not made in time and for a pool whose connections were all busy.
    expect(isConnectionFailure(error('timeout exceeded when trying to connect'))).toBe(false);
  });

  it('tells a server that went away from a statement it refused (MariaDB)', () => {
    expect(
      isConnectionFailure(
        error('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST' }),
      ),
    ).toBe(true);
    expect(isConnectionFailure(error("Can't add new command when connection is in closed state"))).toBe(true);
    expect(isConnectionFailure(error('Too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040 }))).toBe(true);
    expect(isConnectionFailure(error('Server shutdown in progress', { code: 'ER_SERVER_SHUTDOWN', errno: 1053 }))).toBe(
      true,
    );
    expect(isConnectionFailure(error('Connection was killed', { code: 'ER_CONNECTION_KILLED', errno: 1927 }))).toBe(
      true,
    );
    expect(isConnectionFailure(error("Duplicate entry 'a' for key 'x'", { code: 'ER_DUP_ENTRY', errno: 1062 }))).toBe(
      false,
    );
    expect(isConnectionFailure(error('Deadlock found', { code: 'ER_LOCK_DEADLOCK', errno: 1213 }))).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it('is a lost server or a connection not ready in time, also behind the errors that wrap it', () => {
    const lost = error('Connection terminated unexpectedly');
    expect(isDatabaseUnavailable(lost)).toBe(true);
    expect(isDatabaseUnavailable(error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(error('connect ETIMEDOUT', { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isDatabaseUnavailable(new DriverException(lost))).toBe(true);
    expect(isDatabaseUnavailable(new Error('procedure failed', { cause: new Error('wrapped', { cause: lost }) }))).toBe(
      true,
    );
  });

  it('is not any other failure', () => {
    expect(isDatabaseUnavailable(error('syntax error', { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated unexpectedly')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
