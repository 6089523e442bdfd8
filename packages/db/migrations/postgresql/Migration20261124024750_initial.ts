import { Migration } from '@mikro-orm/migrations';

export class Migration20261124024750_initial extends Migration {

  override name = 'Migration20261124024750_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "categories" ("id" serial primary key, "name" varchar(80) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "categories" add constraint "categories_name_unique" unique ("name");`);

    this.addSql(`create table "products" ("id" serial primary key, "name" varchar(100) not null, "description" text null, "price" numeric(10,2) not null, "in_stock" boolean not null default true, "category_id" int not null, "metadata" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "idx_products_category_price" on "products" ("category_id", "price", "id");`);
    this.addSql(`create index "idx_products_price" on "products" ("price", "id");`);
    this.addSql(`create index "idx_products_name" on "products" ("name", "id");`);
    this.addSql(`create index "idx_products_created_at" on "products" ("created_at", "id");`);

    this.addSql(`create table "roles" ("id" serial primary key, "name" varchar(80) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "roles" add constraint "roles_name_unique" unique ("name");`);

    this.addSql(`create table "users" ("id" serial primary key, "username" varchar(80) not null, "email" varchar(120) not null, "password_hash" varchar(255) null, "is_active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create index "idx_username_email" on "users" ("username", "email");`);
    this.addSql(`create index "idx_users_created_at" on "users" ("created_at");`);

    this.addSql(`create table "accounts" ("id" serial primary key, "owner_id" int not null, "balance" numeric(12,2) not null default '0.00', "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "idx_accounts_owner" on "accounts" ("owner_id");`);

    this.addSql(`create table "transfers" ("id" serial primary key, "from_account_id" int not null, "to_account_id" int not null, "amount" numeric(12,2) not null, "idempotency_key" varchar(64) null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "transfers" add constraint "transfers_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "idx_transfers_from" on "transfers" ("from_account_id", "created_at");`);
    this.addSql(`create index "idx_transfers_to" on "transfers" ("to_account_id", "created_at");`);

    this.addSql(`create table "user_roles" ("user_id" int not null, "role_id" int not null, primary key ("user_id", "role_id"));`);

    this.addSql(`create table "user_profiles" ("id" serial primary key, "user_id" int not null, "first_name" varchar(50) null, "last_name" varchar(50) null, "bio" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "user_profiles" add constraint "user_profiles_user_id_unique" unique ("user_id");`);

    this.addSql(`alter table "products" add constraint "products_category_id_foreign" foreign key ("category_id") references "categories" ("id") on delete restrict;`);
    this.addSql(`alter table "products" add constraint "products_price_check" check (price >= 0);`);

    this.addSql(`alter table "accounts" add constraint "accounts_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "accounts" add constraint "accounts_balance_check" check (balance >= 0);`);

    this.addSql(`alter table "transfers" add constraint "transfers_from_account_id_foreign" foreign key ("from_account_id") references "accounts" ("id") on delete restrict;`);
    this.addSql(`alter table "transfers" add constraint "transfers_to_account_id_foreign" foreign key ("to_account_id") references "accounts" ("id") on delete restrict;`);
    this.addSql(`alter table "transfers" add constraint "transfers_amount_check" check (amount > 0);`);
    this.addSql(`alter table "transfers" add constraint "transfers_distinct_accounts_check" check (from_account_id <> to_account_id);`);

    this.addSql(`alter table "user_roles" add constraint "user_roles_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_roles" add constraint "user_roles_role_id_foreign" foreign key ("role_id") references "roles" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "user_profiles" add constraint "user_profiles_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "products" drop constraint "products_category_id_foreign";`);
    this.addSql(`alter table "user_roles" drop constraint "user_roles_role_id_foreign";`);
    this.addSql(`alter table "accounts" drop constraint "accounts_owner_id_foreign";`);
    this.addSql(`alter table "user_roles" drop constraint "user_roles_user_id_foreign";`);
    this.addSql(`alter table "user_profiles" drop constraint "user_profiles_user_id_foreign";`);
    this.addSql(`alter table "transfers" drop constraint "transfers_from_account_id_foreign";`);
    this.addSql(`alter table "transfers" drop constraint "transfers_to_account_id_foreign";`);

    this.addSql(`drop table if exists "categories" cascade;`);
    this.addSql(`drop table if exists "products" cascade;`);
    this.addSql(`drop table if exists "roles" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "accounts" cascade;`);
    this.addSql(`drop table if exists "transfers" cascade;`);
    this.addSql(`drop table if exists "user_roles" cascade;`);
    this.addSql(`drop table if exists "user_profiles" cascade;`);
  }

}
