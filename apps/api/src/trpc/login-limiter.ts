// Abuse limits for sign-in (OWASP: credential stuffing, brute force): failed attempts per account, and
// all attempts per client address, each in a fixed 15-minute window. The budgets live in the database
// (`login_throttles`, @shop/db's login-throttle service), so every API process and every server on the
// same database counts against the same budgets: N processes do not give an attacker N budgets.
import { consumeBudget, type Orm, purgeExpiredBudgets, resetBudget } from '@shop/db';

export interface LoginLimits {
  failuresPerAccount: number;
  attemptsPerAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerAccount: 5,
  attemptsPerAddress: 30,
  windowSeconds: 15 * 60,
};

/** How often one process deletes the budgets whose window has ended (one indexed DELETE). */
const PURGE_INTERVAL_MS = 60_000;

// `subject` is @shop/db's signInSubject: the user an identifier names, so username and email share one budget.
const accountKey = (subject: string) => `account:${subject}`;
const addressKey = (address: string) => `address:${address}`;

export class LoginLimiter {
  readonly #orm: Orm;
  readonly #limits: LoginLimits;
  #nextPurge = 0;

  constructor(orm: Orm, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.#orm = orm;
    this.#limits = limits;
  }

  /**
   * Seconds to wait when this attempt is over budget, or 0 when it may proceed. Either way it is counted:
   * against the address's attempts and, before its password is checked, as a failure of the account, which
   * only a success clears. Counted first, attempts that arrive together cannot pass the account's budget.
   */
  async admit(subject: string, address: string): Promise<number> {
    const now = new Date();
    await this.#purgeNowAndThen(now);
    const { windowSeconds } = this.#limits;
    const attempts = await consumeBudget(this.#orm.em.fork(), addressKey(address), {
      points: this.#limits.attemptsPerAddress,
      windowSeconds,
      now,
    });
    if (!attempts.allowed) return attempts.retryAfterSeconds;
    const failures = await consumeBudget(this.#orm.em.fork(), accountKey(subject), {
      points: this.#limits.failuresPerAccount,
      windowSeconds,
      now,
    });
    return failures.allowed ? 0 : failures.retryAfterSeconds;
  }

  /** A correct password: the account's failures (this attempt's included) are forgotten. */
  async succeeded(subject: string): Promise<void> {
    await resetBudget(this.#orm.em.fork(), accountKey(subject));
  }

  /** Keeps the table to the keys of the current window: at most one purge per process per interval. */
  async #purgeNowAndThen(now: Date): Promise<void> {
    if (now.getTime() < this.#nextPurge) return;
    this.#nextPurge = now.getTime() + PURGE_INTERVAL_MS;
    await purgeExpiredBudgets(this.#orm.em.fork(), now);
  }
}
