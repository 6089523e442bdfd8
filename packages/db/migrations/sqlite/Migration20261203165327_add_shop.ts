import { Migration } from '@mikro-orm/migrations';

export class Migration20261203165327_add_shop extends Migration {

  override name = 'Migration20261203165327_add_shop';

  override up(): void | Promise<void> {
    this.addSql(`create table \`orders\` (\`id\` integer not null primary key autoincrement, \`buyer_id\` integer not null, \`account_id\` integer not null, \`status\` text check (\`status\` in ('placed', 'shipped', 'delivered', 'cancelled')) not null default 'placed', \`total\` numeric(12,2) not null, \`idempotency_key\` text not null, \`shipped_at\` datetime null, \`delivered_at\` datetime null, \`cancelled_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`orders_buyer_id_foreign\` foreign key (\`buyer_id\`) references \`users\` (\`id\`) on delete restrict, constraint \`orders_account_id_foreign\` foreign key (\`account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`orders_total_check\` check (total >= 0));`);
    this.addSql(`create index \`orders_buyer_id_index\` on \`orders\` (\`buyer_id\`);`);
    this.addSql(`create index \`idx_orders_account\` on \`orders\` (\`account_id\`);`);
    this.addSql(`create unique index \`orders_idempotency_key_unique\` on \`orders\` (\`idempotency_key\`);`);
    this.addSql(`create index \`idx_orders_buyer\` on \`orders\` (\`buyer_id\`, \`id\`);`);
    this.addSql(`create index \`idx_orders_status\` on \`orders\` (\`status\`, \`id\`);`);

    this.addSql(`create table \`order_lines\` (\`id\` integer not null primary key autoincrement, \`order_id\` integer not null, \`product_id\` integer null, \`product_name\` text not null, \`unit_price\` numeric(10,2) not null, \`quantity\` integer not null, constraint \`order_lines_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on delete cascade, constraint \`order_lines_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on delete set null, constraint \`order_lines_quantity_check\` check (quantity > 0), constraint \`order_lines_unit_price_check\` check (unit_price >= 0));`);
    this.addSql(`create index \`order_lines_order_id_index\` on \`order_lines\` (\`order_id\`);`);
    this.addSql(`create index \`idx_order_lines_product\` on \`order_lines\` (\`product_id\`);`);
    this.addSql(`create unique index \`order_lines_order_product_unique\` on \`order_lines\` (\`order_id\`, \`product_id\`);`);

    // Existing products: 10 units each of those in stock, none of the others (in_stock keeps its meaning).
    this.addSql(`create table \`products__temp_alter\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`price\` numeric(10,2) not null, \`stock\` integer not null default 0, \`in_stock\` integer not null default false, \`category_id\` integer not null, \`metadata\` json null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`products_category_id_foreign\` foreign key (\`category_id\`) references \`categories\` (\`id\`) on delete restrict, constraint \`products_price_check\` check (price >= 0), constraint \`products_stock_check\` check (stock >= 0), constraint \`products_in_stock_check\` check (in_stock = (stock > 0)));`);
    this.addSql(`insert into \`products__temp_alter\` select \`id\`, \`name\`, \`description\`, \`price\`, case when \`in_stock\` then 10 else 0 end as \`stock\`, \`in_stock\`, \`category_id\`, \`metadata\`, \`created_at\`, \`updated_at\` from \`products\`;`);
    this.addSql(`drop table \`products\`;`);
    this.addSql(`alter table \`products__temp_alter\` rename to \`products\`;`);
    this.addSql(`create index \`products_category_id_index\` on \`products\` (\`category_id\`);`);
    this.addSql(`create index \`idx_products_category_price\` on \`products\` (\`category_id\`, \`price\`, \`id\`);`);
    this.addSql(`create index \`idx_products_price\` on \`products\` (\`price\`, \`id\`);`);
    this.addSql(`create index \`idx_products_name\` on \`products\` (\`name\`, \`id\`);`);
    this.addSql(`create index \`idx_products_created_at\` on \`products\` (\`created_at\`, \`id\`);`);

    this.addSql(`create table \`transfers__temp_alter\` (\`id\` integer not null primary key autoincrement, \`from_account_id\` integer null, \`to_account_id\` integer null, \`amount\` numeric(12,2) not null, \`kind\` text check (\`kind\` in ('transfer', 'top_up', 'withdrawal', 'payment', 'refund')) not null default 'transfer', \`reason\` text null, \`order_id\` integer null, \`idempotency_key\` text null, \`created_at\` datetime not null, constraint \`transfers_from_account_id_foreign\` foreign key (\`from_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_to_account_id_foreign\` foreign key (\`to_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on delete restrict, constraint \`transfers_amount_check\` check (amount > 0), constraint \`transfers_distinct_accounts_check\` check (from_account_id <> to_account_id), constraint \`transfers_sides_check\` check ((from_account_id is null) = (kind = 'top_up') and (to_account_id is null) = (kind = 'withdrawal')), constraint \`transfers_order_check\` check ((order_id is not null) = (kind = 'payment' or kind = 'refund')));`);
    this.addSql(`insert into \`transfers__temp_alter\` select \`id\`, \`from_account_id\`, \`to_account_id\`, \`amount\`, 'transfer' as \`kind\`, null as \`reason\`, null as \`order_id\`, \`idempotency_key\`, \`created_at\` from \`transfers\`;`);
    this.addSql(`drop table \`transfers\`;`);
    this.addSql(`alter table \`transfers__temp_alter\` rename to \`transfers\`;`);
    this.addSql(`create index \`transfers_from_account_id_index\` on \`transfers\` (\`from_account_id\`);`);
    this.addSql(`create index \`transfers_to_account_id_index\` on \`transfers\` (\`to_account_id\`);`);
    this.addSql(`create index \`idx_transfers_order\` on \`transfers\` (\`order_id\`);`);
    this.addSql(`create unique index \`transfers_idempotency_key_unique\` on \`transfers\` (\`idempotency_key\`);`);
    this.addSql(`create index \`idx_transfers_from\` on \`transfers\` (\`from_account_id\`, \`created_at\`);`);
    this.addSql(`create index \`idx_transfers_to\` on \`transfers\` (\`to_account_id\`, \`created_at\`);`);

    // The migration runs in a transaction, where `pragma foreign_keys` changes nothing: dropping `accounts` to
    // rebuild it would trip the ledger's ON DELETE RESTRICT, so the ledger's rows wait in a side table meanwhile.
    this.addSql(`create table \`ledger_aside\` as select * from \`transfers\`;`);
    this.addSql(`delete from \`transfers\`;`);
    this.addSql(`create table \`accounts__temp_alter\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer null, \`system_key\` text null, \`balance\` numeric(12,2) not null default '0.00', \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`accounts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on delete cascade, constraint \`accounts_balance_check\` check (balance >= 0), constraint \`accounts_owner_check\` check ((owner_id is null) <> (system_key is null)));`);
    this.addSql(`insert into \`accounts__temp_alter\` select \`id\`, \`owner_id\`, null as \`system_key\`, \`balance\`, \`created_at\`, \`updated_at\` from \`accounts\`;`);
    this.addSql(`drop table \`accounts\`;`);
    this.addSql(`alter table \`accounts__temp_alter\` rename to \`accounts\`;`);
    this.addSql(`create index \`idx_accounts_owner\` on \`accounts\` (\`owner_id\`);`);
    this.addSql(`create unique index \`accounts_system_key_unique\` on \`accounts\` (\`system_key\`);`);
    this.addSql(`insert into \`transfers\` select * from \`ledger_aside\`;`);
    this.addSql(`drop table \`ledger_aside\`;`);
    // Every balance becomes the sum of its ledger: what deposits and withdrawals (not recorded before this
    // migration) added or took is one top-up or withdrawal row per account, dated when the account was opened.
    for (const [kind, from, to, amount, sign] of [
      ['top_up', 'null', 'id', 'gap', '>'],
      ['withdrawal', 'id', 'null', '-gap', '<'],
    ]) {
      this.addSql(
        `insert into transfers (from_account_id, to_account_id, amount, kind, reason, created_at) ` +
          `select ${from}, ${to}, ${amount}, '${kind}', 'balance before the ledger', created_at from (` +
          `select a.id, a.created_at, round(a.balance` +
          ` - coalesce((select sum(t.amount) from transfers t where t.to_account_id = a.id), 0)` +
          ` + coalesce((select sum(t.amount) from transfers t where t.from_account_id = a.id), 0), 2) as gap` +
          ` from accounts a) gaps where gap ${sign} 0`,
      );
    }
  }

  override async down(): Promise<void> {
    // Orders and payments have no place in the older schema: refused rather than lost. The rows this
    // migration's up() added, and any later top-ups and withdrawals, are folded back into the balances.
    const [row] = await this.execute('select count(*) as n from orders');
    if (Number(row?.n) > 0) {
      throw new Error('the database holds orders, which the schema before add_shop cannot keep: down refused');
    }
    this.addSql(`delete from \`transfers\` where \`kind\` <> 'transfer';`);
    this.addSql(`delete from \`accounts\` where \`system_key\` is not null;`);
    this.addSql(`create table \`transfers__temp_alter\` (\`amount\` numeric not null, \`created_at\` datetime not null, \`from_account_id\` integer not null, \`id\` integer not null primary key autoincrement, \`idempotency_key\` text null, \`to_account_id\` integer not null, constraint \`transfers_from_account_id_foreign\` foreign key (\`from_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_to_account_id_foreign\` foreign key (\`to_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_amount_check\` check (amount > 0), constraint \`transfers_distinct_accounts_check\` check (from_account_id <> to_account_id));`);
    this.addSql(`insert into \`transfers__temp_alter\` select \`amount\`, \`created_at\`, \`from_account_id\`, \`id\`, \`idempotency_key\`, \`to_account_id\` from \`transfers\`;`);
    this.addSql(`drop table \`transfers\`;`);
    this.addSql(`alter table \`transfers__temp_alter\` rename to \`transfers\`;`);
    this.addSql(`create index \`idx_transfers_from\` on \`transfers\` (\`from_account_id\`, \`created_at\`);`);
    this.addSql(`create index \`idx_transfers_to\` on \`transfers\` (\`to_account_id\`, \`created_at\`);`);
    this.addSql(`create index \`transfers_from_account_id_index\` on \`transfers\` (\`from_account_id\`);`);
    this.addSql(`create unique index \`transfers_idempotency_key_unique\` on \`transfers\` (\`idempotency_key\`);`);
    this.addSql(`create index \`transfers_to_account_id_index\` on \`transfers\` (\`to_account_id\`);`);

    this.addSql(`drop table if exists \`order_lines\`;`);
    this.addSql(`drop table if exists \`orders\`;`);

    this.addSql(`create table \`ledger_aside\` as select * from \`transfers\`;`);
    this.addSql(`delete from \`transfers\`;`);
    this.addSql(`create table \`accounts__temp_alter\` (\`balance\` numeric not null default 0, \`created_at\` datetime not null, \`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`updated_at\` datetime not null, constraint \`accounts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on delete cascade, constraint \`accounts_balance_check\` check (balance >= 0));`);
    this.addSql(`insert into \`accounts__temp_alter\` select \`balance\`, \`created_at\`, \`id\`, \`owner_id\`, \`updated_at\` from \`accounts\`;`);
    this.addSql(`drop table \`accounts\`;`);
    this.addSql(`alter table \`accounts__temp_alter\` rename to \`accounts\`;`);
    this.addSql(`create index \`idx_accounts_owner\` on \`accounts\` (\`owner_id\`);`);
    this.addSql(`insert into \`transfers\` select * from \`ledger_aside\`;`);
    this.addSql(`drop table \`ledger_aside\`;`);

    this.addSql(`create table \`products__temp_alter\` (\`category_id\` integer not null, \`created_at\` datetime not null, \`description\` text null, \`id\` integer not null primary key autoincrement, \`in_stock\` integer not null default true, \`metadata\` json null, \`name\` text not null, \`price\` numeric not null, \`updated_at\` datetime not null, constraint \`products_category_id_foreign\` foreign key (\`category_id\`) references \`categories\` (\`id\`) on delete restrict, constraint \`products_price_check\` check (price >= 0));`);
    this.addSql(`insert into \`products__temp_alter\` select \`category_id\`, \`created_at\`, \`description\`, \`id\`, \`in_stock\`, \`metadata\`, \`name\`, \`price\`, \`updated_at\` from \`products\`;`);
    this.addSql(`drop table \`products\`;`);
    this.addSql(`alter table \`products__temp_alter\` rename to \`products\`;`);
    this.addSql(`create index \`idx_products_category_price\` on \`products\` (\`category_id\`, \`price\`, \`id\`);`);
    this.addSql(`create index \`idx_products_created_at\` on \`products\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`idx_products_name\` on \`products\` (\`name\`, \`id\`);`);
    this.addSql(`create index \`idx_products_price\` on \`products\` (\`price\`, \`id\`);`);
    this.addSql(`create index \`products_category_id_index\` on \`products\` (\`category_id\`);`);
  }

}
