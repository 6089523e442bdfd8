import { Migration } from '@mikro-orm/migrations';

export class Migration20261203165329_add_shop extends Migration {

  override name = 'Migration20261203165329_add_shop';

  override up(): void | Promise<void> {
    this.addSql(`create table \`orders\` (\`id\` int unsigned not null auto_increment primary key, \`buyer_id\` int unsigned not null, \`account_id\` int unsigned not null, \`status\` enum('placed','shipped','delivered','cancelled') not null default 'placed', \`total\` numeric(12,2) not null, \`idempotency_key\` varchar(64) not null, \`shipped_at\` datetime(6) null, \`delivered_at\` datetime(6) null, \`cancelled_at\` datetime(6) null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`orders\` add index \`orders_buyer_id_index\` (\`buyer_id\`);`);
    this.addSql(`alter table \`orders\` add index \`idx_orders_account\` (\`account_id\`);`);
    this.addSql(`alter table \`orders\` add unique \`orders_idempotency_key_unique\` (\`idempotency_key\`);`);
    this.addSql(`alter table \`orders\` add index \`idx_orders_buyer\` (\`buyer_id\`, \`id\`);`);
    this.addSql(`alter table \`orders\` add index \`idx_orders_status\` (\`status\`, \`id\`);`);

    this.addSql(`create table \`order_lines\` (\`id\` int unsigned not null auto_increment primary key, \`order_id\` int unsigned not null, \`product_id\` int unsigned null, \`product_name\` varchar(100) not null, \`unit_price\` numeric(10,2) not null, \`quantity\` int not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`order_lines\` add index \`order_lines_order_id_index\` (\`order_id\`);`);
    this.addSql(`alter table \`order_lines\` add index \`idx_order_lines_product\` (\`product_id\`);`);
    this.addSql(`alter table \`order_lines\` add unique \`order_lines_order_product_unique\` (\`order_id\`, \`product_id\`);`);

    this.addSql(`alter table \`products\` add \`stock\` int not null default 0;`);
    // Existing products: 10 units each of those in stock, none of the others (in_stock keeps its meaning).
    this.addSql(`update \`products\` set stock = case when in_stock then 10 else 0 end;`);
    this.addSql(`alter table \`products\` modify \`in_stock\` tinyint(1) not null default false;`);
    this.addSql(`alter table \`products\` add constraint \`products_stock_check\` check (stock >= 0);`);
    this.addSql(`alter table \`products\` add constraint \`products_in_stock_check\` check (in_stock = (stock > 0));`);

    this.addSql(`alter table \`accounts\` add \`system_key\` varchar(20) null;`);
    this.addSql(`alter table \`accounts\` modify \`owner_id\` int unsigned null;`);
    this.addSql(`alter table \`accounts\` add unique \`accounts_system_key_unique\` (\`system_key\`);`);
    this.addSql(`alter table \`accounts\` add constraint \`accounts_owner_check\` check ((owner_id is null) <> (system_key is null));`);

    this.addSql(`alter table \`transfers\` add \`kind\` enum('transfer','top_up','withdrawal','payment','refund') not null default 'transfer', add \`reason\` varchar(200) null, add \`order_id\` int unsigned null;`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on delete restrict;`);
    this.addSql(`alter table \`transfers\` modify \`from_account_id\` int unsigned null;`);
    this.addSql(`alter table \`transfers\` modify \`to_account_id\` int unsigned null;`);
    this.addSql(`alter table \`transfers\` add index \`idx_transfers_order\` (\`order_id\`);`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_sides_check\` check ((from_account_id is null) = (kind = 'top_up') and (to_account_id is null) = (kind = 'withdrawal'));`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_order_check\` check ((order_id is not null) = (kind = 'payment' or kind = 'refund'));`);

    this.addSql(`alter table \`orders\` add constraint \`orders_buyer_id_foreign\` foreign key (\`buyer_id\`) references \`users\` (\`id\`) on delete restrict;`);
    this.addSql(`alter table \`orders\` add constraint \`orders_account_id_foreign\` foreign key (\`account_id\`) references \`accounts\` (\`id\`) on delete restrict;`);
    this.addSql(`alter table \`orders\` add constraint \`orders_total_check\` check (total >= 0);`);

    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_quantity_check\` check (quantity > 0);`);
    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_unit_price_check\` check (unit_price >= 0);`);

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
    this.addSql(`delete from transfers where kind <> 'transfer'`);
    this.addSql(`delete from accounts where system_key is not null`);
    this.addSql(`alter table \`transfers\` drop foreign key \`transfers_order_id_foreign\`;`);
    this.addSql(`alter table \`order_lines\` drop foreign key \`order_lines_order_id_foreign\`;`);

    this.addSql(`drop table if exists \`orders\`;`);
    this.addSql(`drop table if exists \`order_lines\`;`);

    this.addSql(`alter table \`accounts\` drop index \`accounts_system_key_unique\`;`);
    this.addSql(`alter table \`accounts\` drop constraint \`accounts_owner_check\`;`);
    this.addSql(`alter table \`accounts\` drop column \`system_key\`;`);
    this.addSql(`alter table \`accounts\` modify \`owner_id\` int unsigned not null;`);

    this.addSql(`alter table \`products\` drop constraint \`products_stock_check\`;`);
    this.addSql(`alter table \`products\` drop constraint \`products_in_stock_check\`;`);
    this.addSql(`alter table \`products\` drop column \`stock\`;`);
    this.addSql(`alter table \`products\` modify \`in_stock\` tinyint(1) not null default true;`);

    this.addSql(`alter table \`transfers\` drop index \`idx_transfers_order\`;`);
    this.addSql(`alter table \`transfers\` drop constraint \`transfers_sides_check\`;`);
    this.addSql(`alter table \`transfers\` drop constraint \`transfers_order_check\`;`);
    this.addSql(`alter table \`transfers\` drop column \`kind\`, drop column \`reason\`, drop column \`order_id\`;`);
    this.addSql(`alter table \`transfers\` modify \`from_account_id\` int unsigned not null;`);
    this.addSql(`alter table \`transfers\` modify \`to_account_id\` int unsigned not null;`);
  }

}
