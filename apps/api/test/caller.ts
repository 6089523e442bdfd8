import type { TestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { createCaller } from '../src/router.ts';

/** A server-side caller over the test database, as one HTTP request would get it. */
export const callerFor = (db: TestDatabase, requestId = 'test') =>
  createCaller({ orm: db.orm, requestId, log: pino({ level: 'silent' }) });
