import { Migration } from '@mikro-orm/migrations';

export class Migration20261124024805_add_last_login_at extends Migration {

  override name = 'Migration20261124024805_add_last_login_at';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`users\` add column \`last_login_at\` datetime null;`);
    this.addSql(`create index \`idx_users_last_login_at\` on \`users\` (\`last_login_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`idx_users_last_login_at\`;`);
    this.addSql(`alter table \`users\` drop column \`last_login_at\`;`);
  }

}
