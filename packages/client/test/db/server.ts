import { type ApiServer, createApiServer } from '@shop/api/server';
import { ensureAdmin } from '@shop/db';
import type { TestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { createShopClient, type ShopClient } from '../../src/index.ts';

export interface RunningApi {
  url: string;
  server: ApiServer;
  /** Signed in as an admin ("root"), who may call every procedure. */
  client: ShopClient;
  anonymous: ShopClient;
  /** Number of HTTP requests the client has sent. */
  requests: () => number;
}

/** Starts the real HTTP server on an ephemeral loopback port over the test database. */
export async function startApi(db: TestDatabase): Promise<RunningApi> {
  const server = createApiServer({ orm: db.orm, log: pino({ level: 'silent' }), maxBatchSize: 10 });
  const url = await server.listen(0, '127.0.0.1');
  let sent = 0;
  const counting: typeof fetch = (input, init) => {
    sent += 1;
    return fetch(input, init);
  };
  const anonymous = createShopClient({ url, maxBatchItems: 10, fetch: counting });
  const password = 'root-password-for-tests';
  await ensureAdmin(db.orm.em.fork(), { username: 'root', email: 'root@example.com', password });
  const { token } = await anonymous.auth.login.mutate({ identifier: 'root', password });
  const client = createShopClient({ url, token, maxBatchItems: 10, fetch: counting });
  return { url, server, client, anonymous, requests: () => sent };
}
