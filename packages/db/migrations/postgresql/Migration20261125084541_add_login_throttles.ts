import { Migration } from '@mikro-orm/migrations';

export class Migration20261125084541_add_login_throttles extends Migration {

  override name = 'Migration20261125084541_add_login_throttles';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_throttles" ("key" varchar(200) not null, "points" int not null, "reset_at" timestamptz not null, primary key ("key"));`);
    this.addSql(`create index "idx_login_throttles_reset_at" on "login_throttles" ("reset_at");`);

    this.addSql(`drop index "idx_username_email";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "login_throttles" cascade;`);

    this.addSql(`create index "idx_username_email" on "users" ("username", "email");`);
  }

}
