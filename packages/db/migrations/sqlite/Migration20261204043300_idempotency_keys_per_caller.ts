import { Migration } from '@mikro-orm/migrations';
import { refuseSharedIdempotencyKeys } from '../guards.ts';

export class Migration20261204043300_idempotency_keys_per_caller extends Migration {

  override name = 'Migration20261204043300_idempotency_keys_per_caller';

  // Idempotency keys become the caller's own: unique per buyer (orders) and per debited account
  // (transfers), instead of across the whole shop.
  override up(): void | Promise<void> {
    this.addSql(`drop index \`orders_idempotency_key_unique\`;`);
    this.addSql(`create unique index \`orders_idempotency_key_unique\` on \`orders\` (\`idempotency_key\`, \`buyer_id\`);`);

    this.addSql(`drop index \`transfers_idempotency_key_unique\`;`);
    this.addSql(`create unique index \`transfers_idempotency_key_unique\` on \`transfers\` (\`idempotency_key\`, \`from_account_id\`);`);
  }

  override async down(): Promise<void> {
    await refuseSharedIdempotencyKeys(this);
    this.addSql(`drop index \`orders_idempotency_key_unique\`;`);
    this.addSql(`create unique index \`orders_idempotency_key_unique\` on \`orders\` (\`idempotency_key\`);`);

    this.addSql(`drop index \`transfers_idempotency_key_unique\`;`);
    this.addSql(`create unique index \`transfers_idempotency_key_unique\` on \`transfers\` (\`idempotency_key\`);`);
  }

}
