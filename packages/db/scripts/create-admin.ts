// `npm run db:create-admin`: the first admin, from ADMIN_USERNAME / ADMIN_EMAIL / ADMIN_PASSWORD; what they leave
// unset is asked for in a terminal (the password is not echoed) or read from piped standard input, a line each.
import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { textLimits } from '../src/domain/limits.ts';
import { passwordLimits } from '../src/domain/passwords.ts';
import { parseEnv } from '../src/driver/env.ts';
import { ensureAdmin } from '../src/services/auth/sessions.ts';
import { runDbScript } from './runner.ts';

const HELP = `usage: npm run db:create-admin [-- --reset-password]

Creates the admin user on DATABASE_URL, or makes an existing user an active admin again (the admin role,
and active: the way back in after every admin was deactivated). Reads ADMIN_USERNAME, ADMIN_EMAIL and
ADMIN_PASSWORD from the environment; asks for the ones not set in a terminal (the password is not shown as
it is typed), or reads them from standard input, one a line, in that order:
  printf '%s\\n' admin admin@shop.example 'a-long-password' | npm run db:create-admin
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

const FIELDS = [
  { name: 'username', variable: 'ADMIN_USERNAME', prompt: 'admin username:', silent: false },
  { name: 'email', variable: 'ADMIN_EMAIL', prompt: 'admin email:', silent: false },
  {
    name: 'password',
    variable: 'ADMIN_PASSWORD',
    prompt: `admin password (${ADMIN_PASSWORD_MIN}+ characters, not shown):`,
    silent: true,
  },
] as const;

/**
 * The admin's fields: from the environment, else typed in a terminal, else the lines of standard input in
 * order (one line each for the fields the environment leaves unset); one clear line when input runs out.
 */
async function adminFields(): Promise<Record<(typeof FIELDS)[number]['name'], string | undefined>> {
  const fields: Record<string, string | undefined> = {};
  const missing = FIELDS.filter((field) => {
    fields[field.name] = process.env[field.variable] || undefined;
    return fields[field.name] === undefined;
  });
  if (missing.length === 0) return fields;
  if (stdin.isTTY) {
    for (const [field, value] of await typed(missing)) fields[field] = value;
    return fields;
  }
  const input = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const lines = input[Symbol.asyncIterator]();
  try {
    for (const [index, field] of missing.entries()) {
      const line = await lines.next();
      if (line.done) {
        throw new Error(
          `standard input ended before the admin ${field.name} (line ${index + 1}): pipe the ` +
            `${missing.map((f) => f.name).join(', ')} one per line, or set ${missing.map((f) => f.variable).join(', ')}`,
        );
      }
      fields[field.name] = line.value;
    }
  } finally {
    input.close();
  }
  return fields;
}

/** What readline echoes goes to stdout, except while `muted` (a password being typed). */
class PromptOutput extends Writable {
  muted = false;
  override _write(chunk: Buffer, encoding: BufferEncoding, done: () => void) {
    if (!this.muted) stdout.write(chunk, encoding);
    done();
  }
}

/** Asks for each field at the terminal (Ctrl-C or Ctrl-D there is one clear line, not a hang). */
async function typed(missing: readonly (typeof FIELDS)[number][]): Promise<[string, string][]> {
  const output = new PromptOutput();
  const terminal = createInterface({ input: stdin, output, terminal: true });
  let cancelled = false;
  terminal.on('SIGINT', () => {
    cancelled = true;
    terminal.close();
  });
  const answers: [string, string][] = [];
  try {
    for (const field of missing) {
      const answer = await new Promise<string>((resolve, reject) => {
        const onClose = () => {
          stdout.write('\n');
          reject(new Error(cancelled ? 'cancelled' : `input closed before the admin ${field.name} was given`));
        };
        terminal.once('close', onClose);
        terminal.question(`${field.prompt} `, (line) => {
          terminal.off('close', onClose);
          resolve(line);
        });
        output.muted = field.silent; // after the prompt: only what is typed is hidden
      });
      if (field.silent) {
        output.muted = false;
        stdout.write('\n'); // the Enter was not echoed either
      }
      answers.push([field.name, answer]);
    }
    return answers;
  } finally {
    output.muted = false;
    terminal.close();
  }
}

await runDbScript(async ({ orm, database }) => {
  const admin = parseEnv(Admin, await adminFields());
  const { user, created } = await ensureAdmin(orm.em.fork(), {
    ...admin,
    resetPassword: values['reset-password'],
  });
  const what = created ? 'created' : values['reset-password'] ? 'reactivated, with a new password,' : 'reactivated';
  console.log(`${what} admin "${user.username}" (id ${user.id}) on ${database}`);
  return 0;
});
