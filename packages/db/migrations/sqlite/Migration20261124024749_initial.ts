import { Migration } from '@mikro-orm/migrations';

export class Migration20261124024749_initial extends Migration {

  override name = 'Migration20261124024749_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`categories\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`categories_name_unique\` on \`categories\` (\`name\`);`);

    this.addSql(`create table \`products\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`price\` numeric(10,2) not null, \`in_stock\` integer not null default true, \`category_id\` integer not null, \`metadata\` json null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`products_category_id_foreign\` foreign key (\`category_id\`) references \`categories\` (\`id\`) on delete restrict, constraint \`products_price_check\` check (price >= 0));`);
    this.addSql(`create index \`products_category_id_index\` on \`products\` (\`category_id\`);`);
    this.addSql(`create index \`idx_products_category_price\` on \`products\` (\`category_id\`, \`price\`, \`id\`);`);
    this.addSql(`create index \`idx_products_price\` on \`products\` (\`price\`, \`id\`);`);
    this.addSql(`create index \`idx_products_name\` on \`products\` (\`name\`, \`id\`);`);
    this.addSql(`create index \`idx_products_created_at\` on \`products\` (\`created_at\`, \`id\`);`);

    this.addSql(`create table \`roles\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`roles_name_unique\` on \`roles\` (\`name\`);`);

    this.addSql(`create table \`users\` (\`id\` integer not null primary key autoincrement, \`username\` text not null, \`email\` text not null, \`password_hash\` text null, \`is_active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`users_username_unique\` on \`users\` (\`username\`);`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);
    this.addSql(`create index \`idx_username_email\` on \`users\` (\`username\`, \`email\`);`);
    this.addSql(`create index \`idx_users_created_at\` on \`users\` (\`created_at\`);`);

    this.addSql(`create table \`accounts\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`balance\` numeric(12,2) not null default '0.00', \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`accounts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on delete cascade, constraint \`accounts_balance_check\` check (balance >= 0));`);
    this.addSql(`create index \`idx_accounts_owner\` on \`accounts\` (\`owner_id\`);`);

    this.addSql(`create table \`transfers\` (\`id\` integer not null primary key autoincrement, \`from_account_id\` integer not null, \`to_account_id\` integer not null, \`amount\` numeric(12,2) not null, \`idempotency_key\` text null, \`created_at\` datetime not null, constraint \`transfers_from_account_id_foreign\` foreign key (\`from_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_to_account_id_foreign\` foreign key (\`to_account_id\`) references \`accounts\` (\`id\`) on delete restrict, constraint \`transfers_amount_check\` check (amount > 0), constraint \`transfers_distinct_accounts_check\` check (from_account_id <> to_account_id));`);
    this.addSql(`create index \`transfers_from_account_id_index\` on \`transfers\` (\`from_account_id\`);`);
    this.addSql(`create index \`transfers_to_account_id_index\` on \`transfers\` (\`to_account_id\`);`);
    this.addSql(`create unique index \`transfers_idempotency_key_unique\` on \`transfers\` (\`idempotency_key\`);`);
    this.addSql(`create index \`idx_transfers_from\` on \`transfers\` (\`from_account_id\`, \`created_at\`);`);
    this.addSql(`create index \`idx_transfers_to\` on \`transfers\` (\`to_account_id\`, \`created_at\`);`);

    this.addSql(`create table \`user_roles\` (\`user_id\` integer not null, \`role_id\` integer not null, primary key (\`user_id\`, \`role_id\`), constraint \`user_roles_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade, constraint \`user_roles_role_id_foreign\` foreign key (\`role_id\`) references \`roles\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`user_roles_user_id_index\` on \`user_roles\` (\`user_id\`);`);
    this.addSql(`create index \`user_roles_role_id_index\` on \`user_roles\` (\`role_id\`);`);

    this.addSql(`create table \`user_profiles\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`first_name\` text null, \`last_name\` text null, \`bio\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`user_profiles_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`user_profiles_user_id_unique\` on \`user_profiles\` (\`user_id\`);`);
  }

  override down(): void | Promise<void> {
    // Children before parents: with foreign_keys on, SQLite checks references while dropping a table.
    for (const table of ['user_profiles', 'user_roles', 'transfers', 'accounts', 'products', 'users', 'roles', 'categories']) {
      this.addSql(`drop table if exists \`${table}\`;`);
    }
  }

}
