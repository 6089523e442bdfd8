// What went wrong, in a shopper's words. Decided by the answer's tRPC code, its domain error kind and field,
// and the procedure's path — never by the server's message text, which is for developers and logs.
import { isShopClientError } from '@shop/client';

export interface ProblemReport {
  /** 0 when the shop was not reached at all. */
  status: number;
  /** The domain rule that refused (INSUFFICIENT_FUNDS, CONFLICT, …), if one did. */
  kind: string | null;
  /** One sentence for the whole form or page. */
  message: string;
  /** Per input (by the procedure's input field name): what to do about it. */
  fields: Record<string, string>;
}

const AMOUNT = 'Enter an amount like 12.50';
const PRICE = 'Enter a price like 12.50';

/** What to do about a field the input schema refused, whatever the schema said. */
const FIELD_HINTS: Record<string, string> = {
  amount: AMOUNT,
  initialDeposit: AMOUNT,
  price: PRICE,
  minPrice: PRICE,
  maxPrice: PRICE,
  categoryId: 'Choose a category',
  fromAccountId: 'Choose the account to send from',
  toAccountId: 'Enter the account number to send to',
  name: 'Enter a name (up to 100 characters)',
  nameContains: 'Search for at most 100 characters',
  username: 'Enter a username (up to 80 characters)',
  email: 'Enter an email address like ann@example.com',
  identifier: 'Enter your username or email',
  password: 'Use 8 to 256 characters',
  firstName: 'Enter at most 50 characters',
  lastName: 'Enter at most 50 characters',
  bio: 'Enter at most 10,000 characters',
  description: 'Enter at most 10,000 characters',
  stock: 'Enter a whole number of units, 0 or more',
  reason: 'Say why (up to 200 characters)',
  accountId: 'Choose an account',
  // products.update's fields arrive as one `patch` (the API flattens errors to the first path segment).
  patch: 'Check the name, price, category and units in stock',
};

/** What a domain rule refusing one field means for that field. */
const DOMAIN_FIELD_HINTS: Record<string, Record<string, string>> = {
  CONFLICT: {
    name: 'That name is already taken',
    username: 'That username is taken: choose another',
    email: 'An account with this email already exists: sign in instead',
    products: 'This category still has products: move or delete them first',
    balance: 'This user still holds money',
    idempotencyKey: 'This transfer was already sent with other details: send it again',
  },
  INVALID: {
    toAccountId: 'Choose an account other than the one you send from',
    amount: 'Enter a smaller amount: the receiving account cannot hold that much',
  },
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function describeProblem(error: unknown): ProblemReport {
  // A failed fetch is a client error too, but one without an answer (no data): the shop was not reached.
  if (!isShopClientError(error) || !error.data) {
    return {
      status: 0,
      kind: null,
      message: 'The shop cannot be reached. Check your connection and try again.',
      fields: {},
    };
  }
  const { code, httpStatus, path, zodError, domain } = error.data;
  const fields: Record<string, string> = {};
  const fieldErrors = isRecord(zodError) && isRecord(zodError.fieldErrors) ? zodError.fieldErrors : {};
  for (const [field, messages] of Object.entries(fieldErrors)) {
    if (Array.isArray(messages) && messages.length > 0) fields[field] = FIELD_HINTS[field] ?? 'Check this value';
  }
  const kind = domain?.kind ?? null;
  // A domain rule that refused one field: said beside that input, and as the form's sentence where the form
  // has no such input (a category's products, a user's money).
  let ruleText: string | undefined;
  if (domain?.field) {
    ruleText = DOMAIN_FIELD_HINTS[domain.kind]?.[domain.field] ?? FIELD_HINTS[domain.field] ?? 'Check this value';
    fields[domain.field] ??= ruleText;
  }
  // The one 404 a form can cause: a transfer to an account number nobody has.
  if (path === 'accounts.transfer' && kind === 'NOT_FOUND')
    ruleText = fields.toAccountId = 'No account has this number';
  const message =
    Object.keys(fieldErrors).length > 0
      ? 'Please correct the highlighted fields.'
      : ruleText
        ? `${ruleText}.`
        : sentence(code, path);
  return { status: httpStatus ?? 500, kind, message, fields };
}

/** Whether one of a form's own inputs shows the problem (else the form shows its sentence). */
export const shownBeside = (problem: ProblemReport | null, inputs: readonly string[]) =>
  problem !== null && inputs.some((name) => problem.fields[name] !== undefined);

function sentence(code: string, path: string | undefined): string {
  switch (code) {
    case 'UNAUTHORIZED':
      return path === 'auth.login'
        ? 'Sign-in refused: unknown user or wrong password.'
        : 'Please sign in: your session has ended.';
    case 'FORBIDDEN':
      return 'Admin only: your account cannot do this.';
    case 'NOT_FOUND':
      return 'Not found: it does not exist, or it was removed.';
    case 'CONFLICT':
      return 'This conflicts with something that already exists.';
    case 'UNPROCESSABLE_CONTENT':
      return 'Insufficient funds: the account holds less than this amount.';
    case 'TOO_MANY_REQUESTS':
      return 'Too many attempts. Wait a minute, then try again.';
    case 'SERVICE_UNAVAILABLE':
      return 'The shop is briefly unavailable. Please try again in a moment.';
    case 'PAYLOAD_TOO_LARGE':
      return 'That is too much to send at once.';
    case 'BAD_REQUEST':
      return 'The shop could not understand this request. Reload the page and try again.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
