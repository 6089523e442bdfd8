// Named (server-side prepared) statements for the parameterized queries on PostgreSQL.
//
// Kysely's PostgreSQL driver sends every query unnamed, so the server parses and plans the same SQL text
// on each call. A query with a name is parsed once per connection and then only bound and executed
// (node-postgres tracks which names each connection has prepared). Only queries that bind parameters get
// a name — the read paths' Kysely queries, whose texts come from a bounded set of shapes; MikroORM's own
// queries inline their values into the text, so each is new and stays unnamed. Past MAX_NAMED_STATEMENTS
// distinct texts, new ones stay unnamed too, so a connection never holds an unbounded set of statements.
import { createHash } from 'node:crypto';

export const MAX_NAMED_STATEMENTS = 1000;

type Query = (...args: unknown[]) => unknown;
interface QueryingClient {
  query: Query;
}

/** SQL text → statement name, shared by every connection of the pool (names derive from the text). */
export function statementNamer(limit = MAX_NAMED_STATEMENTS): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < limit) {
      name = `shop_${createHash('sha1').update(text).digest('base64url')}`;
      names.set(text, name);
    }
    return name;
  };
}

/** Makes `client.query(text, values)` with at least one value run as a named statement. */
export function nameStatements(client: QueryingClient, nameOf: (text: string) => string | undefined): void {
  const query = client.query;
  client.query = function (this: unknown, ...args: unknown[]) {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = nameOf(text);
      if (name) return query.call(this, { name, text, values });
    }
    return query.apply(this, args);
  };
}

/** `driverOptions` for MikroORM's PostgreSQL connection: names statements on every pooled client. */
export function namedStatementsOptions(nameOf = statementNamer()) {
  return {
    onPoolCreated: (pool: { on(event: 'connect', listener: (client: QueryingClient) => void): unknown }) => {
      pool.on('connect', (client) => nameStatements(client, nameOf));
    },
  };
}
