import { Migration } from '@mikro-orm/migrations';
import { refuseSharedIdempotencyKeys } from '../guards.ts';

export class Migration20261204043303_idempotency_keys_per_caller extends Migration {

  override name = 'Migration20261204043303_idempotency_keys_per_caller';

  // Idempotency keys become the caller's own: unique per buyer (orders) and per debited account
  // (transfers), instead of across the whole shop.
  override up(): void | Promise<void> {
    this.addSql(`alter table \`orders\` drop index \`orders_idempotency_key_unique\`;`);
    this.addSql(`alter table \`orders\` add unique \`orders_idempotency_key_unique\` (\`idempotency_key\`, \`buyer_id\`);`);

    this.addSql(`alter table \`transfers\` drop index \`transfers_idempotency_key_unique\`;`);
    this.addSql(`alter table \`transfers\` add unique \`transfers_idempotency_key_unique\` (\`idempotency_key\`, \`from_account_id\`);`);
  }

  override async down(): Promise<void> {
    await refuseSharedIdempotencyKeys(this);
    this.addSql(`alter table \`orders\` drop index \`orders_idempotency_key_unique\`;`);
    this.addSql(`alter table \`orders\` add unique \`orders_idempotency_key_unique\` (\`idempotency_key\`);`);

    this.addSql(`alter table \`transfers\` drop index \`transfers_idempotency_key_unique\`;`);
    this.addSql(`alter table \`transfers\` add unique \`transfers_idempotency_key_unique\` (\`idempotency_key\`);`);
  }

}
