import { type ApiServer, createApiServer } from '@shop/api/server';
import type { TestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { createShopClient, type ShopClient } from '../../src/index.ts';

export interface RunningApi {
  url: string;
  server: ApiServer;
  client: ShopClient;
  /** Number of HTTP requests the client has sent. */
  requests: () => number;
}

/** Starts the real HTTP server on an ephemeral loopback port over the test database. */
export async function startApi(db: TestDatabase): Promise<RunningApi> {
  const server = createApiServer({ orm: db.orm, log: pino({ level: 'silent' }), maxBatchSize: 10 });
  const url = await server.listen(0, '127.0.0.1');
  let sent = 0;
  const client = createShopClient({
    url,
    maxBatchItems: 10,
    fetch: (input, init) => {
      sent += 1;
      return fetch(input, init);
    },
  });
  return { url, server, client, requests: () => sent };
}
