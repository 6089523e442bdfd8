// Child process: the raw baseline. A bare node:http server that answers products.byId and the first page
// of products.list with the same JSON the API sends, straight from the driver (better-sqlite3 prepared
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
// Page 1 the way the API builds it: one statement, the total counted up to EXACT_TOTAL_UP_TO + 1 rows.
const COUNT_LIMIT = EXACT_TOTAL_UP_TO + 1;
const PAGE = `select p.id, p.name, p.description, p.price, p.stock, p.in_stock, p.metadata, p.created_at, p.updated_at,
  p.category_id, ${CATEGORY_NAME},
  (select count(*) from (select id from products limit ${COUNT_LIMIT}) as matching) as total
  from products p order by p.name asc, p.id asc limit 20`;

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? '');
let byId: (id: number) => Promise<Row | undefined>;
let firstPage: () => Promise<{ rows: Row[]; total: number }>;

if (target.dialect === 'sqlite') {
  const db = new Database(target.file, { readonly: true });
  db.pragma('journal_mode = WAL');
  const one = db.prepare<[number], Row>(`${SELECT} where p.id = ?`);
  const page = db.prepare<[], Row & { total: number }>(PAGE);
  byId = async (id) => one.get(id);
  firstPage = async () => {
    const rows = page.all();
    return { rows, total: Number(rows[0]?.total ?? 0) };
  };
} else if (target.dialect === 'mariadb') {
  const pool = mysql.createPool({ uri: target.url, connectionLimit: 10, dateStrings: true, timezone: 'Z' });
  const one = `${SELECT} where p.id = ?`;
  byId = async (id) => ((await pool.execute(one, [id]))[0] as Row[])[0];
  firstPage = async () => {
    const rows = (await pool.execute(PAGE))[0] as (Row & { total: number })[];
    return { rows, total: Number(rows[0]?.total ?? 0) };
  };
} else {
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  byId = async (id) =>
    (await pool.query<Row>({ name: 'by-id', text: `${SELECT} where p.id = $1`, values: [id] })).rows[0];
  firstPage = async () => {
    const { rows } = await pool.query<Row & { total: string }>({ name: 'page', text: PAGE });
    return { rows, total: Number(rows[0]?.total ?? 0) };
  };
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
    if (url.pathname === '/trpc/health.live') {
      body = JSON.stringify({
        result: { data: { json: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } } },
      });
    } else if (url.pathname === '/trpc/products.byId') {
      const input = JSON.parse(url.searchParams.get('input') ?? '{}') as { json?: { id?: number } };
      const row = await byId(Number(input.json?.id));
      if (row) body = envelope(view(row), ['createdAt', 'updatedAt']);
    } else if (url.pathname === '/trpc/products.list') {
      const { rows, total } = await firstPage();
      const pages = Math.ceil(total / 20);
      const items = rows.map(view);
      const dates = items.flatMap((_, i) => [`items.${i}.createdAt`, `items.${i}.updatedAt`]);
      const page = { items, total, totalIsExact: total < COUNT_LIMIT, page: 1, perPage: 20, pages };
      body = envelope({ ...page, hasNext: pages > 1, hasPrev: false }, dates);
    }
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{"error":"not found"}');
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
