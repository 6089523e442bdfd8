import { Migration } from '@mikro-orm/migrations';

export class Migration20261125085428_initial extends Migration {

  override name = 'Migration20261125085428_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`categories\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(80) not null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`categories\` add unique \`categories_name_unique\` (\`name\`);`);

    this.addSql(`create table \`login_throttles\` (\`key\` varchar(200) not null, \`points\` int not null, \`reset_at\` datetime not null, primary key (\`key\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`login_throttles\` add index \`idx_login_throttles_reset_at\` (\`reset_at\`);`);

    this.addSql(`create table \`products\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(100) not null, \`description\` text null, \`price\` numeric(10,2) not null, \`in_stock\` tinyint(1) not null default true, \`category_id\` int unsigned not null, \`metadata\` json null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`products\` add index \`products_category_id_index\` (\`category_id\`);`);
    this.addSql(`alter table \`products\` add index \`idx_products_category_price\` (\`category_id\`, \`price\`, \`id\`);`);
    this.addSql(`alter table \`products\` add index \`idx_products_price\` (\`price\`, \`id\`);`);
    this.addSql(`alter table \`products\` add index \`idx_products_name\` (\`name\`, \`id\`);`);
    this.addSql(`alter table \`products\` add index \`idx_products_created_at\` (\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`products\` add constraint \`products_price_check\` check (price >= 0);`);

    this.addSql(`create table \`roles\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(80) not null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`roles\` add unique \`roles_name_unique\` (\`name\`);`);

    this.addSql(`create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`username\` varchar(80) not null, \`email\` varchar(120) not null, \`password_hash\` varchar(255) null, \`is_active\` tinyint(1) not null default true, \`last_login_at\` datetime(6) null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`users\` add unique \`users_username_unique\` (\`username\`);`);
    this.addSql(`alter table \`users\` add unique \`users_email_unique\` (\`email\`);`);
    this.addSql(`alter table \`users\` add index \`idx_users_created_at\` (\`created_at\`);`);
    this.addSql(`alter table \`users\` add index \`idx_users_last_login_at\` (\`last_login_at\`);`);

    this.addSql(`create table \`sessions\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`token_hash\` varchar(64) not null, \`expires_at\` datetime(6) not null, \`revoked_at\` datetime(6) null, \`created_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`sessions\` add index \`idx_sessions_user\` (\`user_id\`);`);
    this.addSql(`alter table \`sessions\` add unique \`sessions_token_hash_unique\` (\`token_hash\`);`);

    this.addSql(`create table \`accounts\` (\`id\` int unsigned not null auto_increment primary key, \`owner_id\` int unsigned not null, \`balance\` numeric(12,2) not null default '0.00', \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`accounts\` add index \`idx_accounts_owner\` (\`owner_id\`);`);
    this.addSql(`alter table \`accounts\` add constraint \`accounts_balance_check\` check (balance >= 0);`);

    this.addSql(`create table \`transfers\` (\`id\` int unsigned not null auto_increment primary key, \`from_account_id\` int unsigned not null, \`to_account_id\` int unsigned not null, \`amount\` numeric(12,2) not null, \`idempotency_key\` varchar(64) null, \`created_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`transfers\` add index \`transfers_from_account_id_index\` (\`from_account_id\`);`);
    this.addSql(`alter table \`transfers\` add index \`transfers_to_account_id_index\` (\`to_account_id\`);`);
    this.addSql(`alter table \`transfers\` add unique \`transfers_idempotency_key_unique\` (\`idempotency_key\`);`);
    this.addSql(`alter table \`transfers\` add index \`idx_transfers_from\` (\`from_account_id\`, \`created_at\`);`);
    this.addSql(`alter table \`transfers\` add index \`idx_transfers_to\` (\`to_account_id\`, \`created_at\`);`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_amount_check\` check (amount > 0);`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_distinct_accounts_check\` check (from_account_id <> to_account_id);`);

    this.addSql(`create table \`user_roles\` (\`user_id\` int unsigned not null, \`role_id\` int unsigned not null, primary key (\`user_id\`, \`role_id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`user_roles\` add index \`user_roles_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`user_roles\` add index \`user_roles_role_id_index\` (\`role_id\`);`);

    this.addSql(`create table \`user_profiles\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`first_name\` varchar(50) null, \`last_name\` varchar(50) null, \`bio\` text null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`user_profiles\` add unique \`user_profiles_user_id_unique\` (\`user_id\`);`);

    this.addSql(`alter table \`products\` add constraint \`products_category_id_foreign\` foreign key (\`category_id\`) references \`categories\` (\`id\`) on delete restrict;`);

    this.addSql(`alter table \`sessions\` add constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`accounts\` add constraint \`accounts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`transfers\` add constraint \`transfers_from_account_id_foreign\` foreign key (\`from_account_id\`) references \`accounts\` (\`id\`) on delete restrict;`);
    this.addSql(`alter table \`transfers\` add constraint \`transfers_to_account_id_foreign\` foreign key (\`to_account_id\`) references \`accounts\` (\`id\`) on delete restrict;`);

    this.addSql(`alter table \`user_roles\` add constraint \`user_roles_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`user_roles\` add constraint \`user_roles_role_id_foreign\` foreign key (\`role_id\`) references \`roles\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`user_profiles\` add constraint \`user_profiles_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql('set foreign_key_checks = 0;');
    for (const table of ['user_roles', 'user_profiles', 'transfers', 'accounts', 'sessions', 'users', 'roles', 'products', 'login_throttles', 'categories']) {
      this.addSql(`drop table if exists \`${table}\`;`);
    }
    this.addSql('set foreign_key_checks = 1;');
  }

}
