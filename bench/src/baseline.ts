// Child process: the raw baseline. A bare node:http server that answers products.byId and a page of
// products.list (20 per page, page 1 or any other) with the same JSON the API sends, straight from the driver (better-sqlite3 prepared
// statements, a pg pool, or a mysql2 pool): what the stack costs is the difference. It also answers health.live with a
// trivial JSON body (no database): the raw transport floor to hold the API's own floor against.
import http from 'node:http';
import { EXACT_TOTAL_UP_TO, formatMoney, parseDatabaseUrl } from '@shop/db';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

interface Row {
  id: number;
  name: string;
  description: string | null;
  price: string | number;
  stock: number;
  in_stock: number | boolean;
  metadata: string | object | null;
  created_at: string | number | Date;
  updated_at: string | number | Date;
  category_id: number;
  category_name: string;
}

// The category's name by primary key per row, as the API reads it (a join made MariaDB sort every product).
const CATEGORY_NAME = '(select c.name from categories c where c.id = p.category_id) as category_name';
const SELECT = `select p.id, p.name, p.description, p.price, p.stock, p.in_stock, p.metadata, p.created_at, p.updated_at,
  p.category_id, ${CATEGORY_NAME} from products p`;
// A page the way the API builds it: one statement, the total counted up to max(EXACT_TOTAL_UP_TO, the rows
// the page reaches) + 1 rows (packages/db's pagination.ts). One prepared statement per page number asked for.
const PER_PAGE = 20;
const countLimit = (page: number) => Math.max(EXACT_TOTAL_UP_TO, page * PER_PAGE) + 1;
const pageSql = (page: number) => `select p.id, p.name, p.description, p.price, p.stock, p.in_stock, p.metadata,
  p.created_at, p.updated_at, p.category_id, ${CATEGORY_NAME},
  (select count(*) from (select id from products limit ${countLimit(page)}) as matching) as total
  from products p order by p.name asc, p.id asc limit ${PER_PAGE} offset ${(page - 1) * PER_PAGE}`;
type PageRow = Row & { total: number | string };
const pageOf = (rows: PageRow[]) => ({ rows, total: Number(rows[0]?.total ?? 0) });

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? '');
let byId: (id: number) => Promise<Row | undefined>;
let listPage: (page: number) => Promise<{ rows: Row[]; total: number }>;

if (target.dialect === 'sqlite') {
  const db = new Database(target.file, { readonly: true });
  db.pragma('journal_mode = WAL');
  const one = db.prepare<[number], Row>(`${SELECT} where p.id = ?`);
  const pages = new Map<number, Database.Statement<[], PageRow>>();
  byId = async (id) => one.get(id);
  listPage = async (page) => {
    const statement = pages.get(page) ?? db.prepare<[], PageRow>(pageSql(page));
    pages.set(page, statement);
    return pageOf(statement.all());
  };
} else if (target.dialect === 'mariadb') {
  // mysql2's execute prepares each statement once per connection and reuses it.
  const pool = mysql.createPool({ uri: target.url, connectionLimit: 10, dateStrings: true, timezone: 'Z' });
  const one = `${SELECT} where p.id = ?`;
  byId = async (id) => ((await pool.execute(one, [id]))[0] as Row[])[0];
  listPage = async (page) => pageOf((await pool.execute(pageSql(page)))[0] as PageRow[]);
} else {
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  byId = async (id) =>
    (await pool.query<Row>({ name: 'by-id', text: `${SELECT} where p.id = $1`, values: [id] })).rows[0];
  listPage = async (page) => pageOf((await pool.query<PageRow>({ name: `page-${page}`, text: pageSql(page) })).rows);
}

// MariaDB's date strings ("2026-11-25 08:46:34.123456") are UTC without a zone marker.
const toDate = (value: string | number | Date) =>
  new Date(typeof value === 'string' && !value.includes('T') ? `${value.replace(' ', 'T')}Z` : value).toISOString();
const view = (r: Row) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  price: formatMoney(r.price),
  stock: Number(r.stock),
  inStock: Boolean(r.in_stock),
  category: { id: r.category_id, name: r.category_name },
  metadata: typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
});

// The same envelope superjson gives the API's answers (values + Date markers), so byte counts match.
const envelope = (json: unknown, dates: string[]) =>
  JSON.stringify({
    result: { data: { json, meta: { values: Object.fromEntries(dates.map((d) => [d, ['Date']])), v: 1 } } },
  });

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    let body: string | undefined;
    let status: number | undefined;
    if (url.pathname === '/trpc/health.live') {
      body = JSON.stringify({
        result: { data: { json: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } } },
      });
    } else if (url.pathname === '/trpc/products.byId') {
      const input = JSON.parse(url.searchParams.get('input') ?? '{}') as { json?: { id?: number } };
      const row = await byId(Number(input.json?.id));
      if (row) body = envelope(view(row), ['createdAt', 'updatedAt']);
    } else if (url.pathname === '/trpc/products.list') {
      const input = JSON.parse(url.searchParams.get('input') ?? '{}') as { json?: { page?: number; perPage?: number } };
      const { page = 1, perPage = PER_PAGE } = input.json ?? {};
      // Only what the workloads ask for; anything else answers 400 rather than a page the API would not give.
      if (!Number.isInteger(page) || page < 1 || page > 1000 || perPage !== PER_PAGE) status = 400;
      else {
        const { rows, total } = await listPage(page);
        const pages = Math.ceil(total / PER_PAGE);
        const items = rows.map(view);
        const dates = items.flatMap((_, i) => [`items.${i}.createdAt`, `items.${i}.updatedAt`]);
        const exact = total < countLimit(page);
        const answer = { items, total, totalIsExact: exact, page, perPage, pages };
        body = envelope({ ...answer, hasNext: page < pages, hasPrev: page > 1 }, dates);
      }
    }
    status ??= body ? 200 : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body ?? `{"error":"${status === 400 ? 'bad request' : 'not found'}"}`);
  } catch (error) {
    res.writeHead(500);
    res.end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ url: `http://127.0.0.1:${address.port}/trpc` });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
