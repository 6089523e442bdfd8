import { Migration } from '@mikro-orm/migrations';

export class Migration20261125084537_add_login_throttles extends Migration {

  override name = 'Migration20261125084537_add_login_throttles';

  override up(): void | Promise<void> {
    this.addSql(`create table \`login_throttles\` (\`key\` text not null primary key, \`points\` integer not null, \`reset_at\` datetime not null);`);
    this.addSql(`create index \`idx_login_throttles_reset_at\` on \`login_throttles\` (\`reset_at\`);`);

    this.addSql(`drop index \`idx_username_email\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`login_throttles\`;`);

    this.addSql(`create index \`idx_username_email\` on \`users\` (\`username\`, \`email\`);`);
  }

}
