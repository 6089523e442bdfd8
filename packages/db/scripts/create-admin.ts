// `pnpm db:create-admin`: the first admin, from ADMIN_USERNAME / ADMIN_EMAIL / ADMIN_PASSWORD or prompts.
import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { textLimits } from '../src/domain/limits.ts';
import { passwordLimits } from '../src/domain/passwords.ts';
import { parseEnv } from '../src/driver/env.ts';
import { ensureAdmin } from '../src/services/auth/sessions.ts';
import { runDbScript } from './runner.ts';

const HELP = `usage: pnpm db:create-admin [-- --reset-password]

Creates the admin user on DATABASE_URL, or makes an existing user an active admin again (the admin role,
and active: the way back in after every admin was deactivated). Reads ADMIN_USERNAME, ADMIN_EMAIL and
ADMIN_PASSWORD from the environment; asks for missing ones when run in a terminal.
  --reset-password   also replace the password of an existing user`;

const { values } = parseArgs({
  options: {
    'reset-password': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

/** Stricter than a customer's (passwordLimits.min): this account can do everything. */
const ADMIN_PASSWORD_MIN = 12;
const Admin = z.object({
  username: z.string().trim().min(1).max(textLimits.username),
  email: z.email().max(textLimits.email),
  password: z
    .string()
    .min(ADMIN_PASSWORD_MIN, `the admin password needs at least ${ADMIN_PASSWORD_MIN} characters`)
    .max(passwordLimits.max),
});

async function ask(name: string, question: string): Promise<string | undefined> {
  const fromEnv = process.env[name];
  if (fromEnv || !stdin.isTTY) return fromEnv;
  const rl = createInterface({ input: stdin, output: stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

await runDbScript(async ({ orm, database }) => {
  const admin = parseEnv(
    Admin,
    {
      username: await ask('ADMIN_USERNAME', 'admin username: '),
      email: await ask('ADMIN_EMAIL', 'admin email: '),
      password: await ask('ADMIN_PASSWORD', `admin password (${ADMIN_PASSWORD_MIN}+ characters): `),
    },
    'set ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD',
  );
  const { user, created } = await ensureAdmin(orm.em.fork(), {
    ...admin,
    resetPassword: values['reset-password'],
  });
  const what = created ? 'created' : values['reset-password'] ? 'reactivated, with a new password,' : 'reactivated';
  console.log(`${what} admin "${user.username}" (id ${user.id}) on ${database}`);
  return 0;
});
