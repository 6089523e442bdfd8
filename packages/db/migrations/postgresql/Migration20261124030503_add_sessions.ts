import { Migration } from '@mikro-orm/migrations';

export class Migration20261124030503_add_sessions extends Migration {

  override name = 'Migration20261124030503_add_sessions';

  override up(): void | Promise<void> {
    this.addSql(`create table "sessions" ("id" serial primary key, "user_id" int not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "idx_sessions_user" on "sessions" ("user_id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sessions" cascade;`);
  }

}
