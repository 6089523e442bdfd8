import { Migration } from '@mikro-orm/migrations';

export class Migration20261124030501_add_sessions extends Migration {

  override name = 'Migration20261124030501_add_sessions';

  override up(): void | Promise<void> {
    this.addSql(`create table \`sessions\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`idx_sessions_user\` on \`sessions\` (\`user_id\`);`);
    this.addSql(`create unique index \`sessions_token_hash_unique\` on \`sessions\` (\`token_hash\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`sessions\`;`);
  }

}
