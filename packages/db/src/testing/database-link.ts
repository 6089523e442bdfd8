// A TCP link in front of a test database's server, for tests of what happens when the server goes away under
// a running process: `cut()` closes every connection and refuses new ones, `restore()` lets them through again
// on the same port.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type DatabaseTarget, DEFAULT_PORTS } from '../driver/database-url.ts';
import { type Dialect, type Orm, openOrm } from '../driver/orm.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

type ServerTarget = Exclude<DatabaseTarget, { dialect: 'sqlite' }>;

export class DatabaseLink {
  readonly #sockets = new Set<Socket>();
  readonly #server: ServerTarget;
  readonly #upstream: URL;
  #listener: Server | undefined;
  #port = 0;

  private constructor(server: ServerTarget) {
    this.#server = server;
    this.#upstream = new URL(server.url);
    this.#upstream.port ||= String(DEFAULT_PORTS[server.dialect]);
  }

  /** A link to the server of `target`, open. */
  static async open(target: ServerTarget): Promise<DatabaseLink> {
    const link = new DatabaseLink(target);
    await link.restore();
    return link;
  }

  /** The same database, through the link. */
  get target(): ServerTarget {
    const through = new URL(this.#upstream);
    through.port = String(this.#port);
    return { ...this.#server, url: through.toString() };
  }

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.#upstream.port), this.#upstream.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {}); // either side's end closes both
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as { port: number }).port;
    this.#listener = server;
  }

  async cut(): Promise<void> {
    const server = this.#listener;
    this.#listener = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

export interface LinkedDatabase {
  /** The fresh, migrated test database (its own ORM reaches the server directly). */
  database: TestDatabase;
  link: DatabaseLink;
  /** An ORM on the same database through the link; a new connection gives up after 1 s. */
  orm: Orm;
  /** Closes the linked ORM and the link, and drops the database. */
  close(): Promise<void>;
}

/** A fresh test database of a server dialect, and an ORM that reaches it through a DatabaseLink. */
export async function linkedTestDatabase(dialect: Dialect): Promise<LinkedDatabase> {
  const database = await createTestDatabase(dialect);
  if (database.target.dialect === 'sqlite') throw new Error(`${dialect} is not a server dialect`);
  const link = await DatabaseLink.open(database.target);
  const orm = await openOrm(link.target, { pool: { connectTimeoutMillis: 1_000 } });
  return {
    database,
    link,
    orm,
    async close() {
      await orm.close(true);
      await link.cut();
      await database.destroy();
    },
  };
}
