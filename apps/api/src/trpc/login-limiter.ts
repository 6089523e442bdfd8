// Abuse limits for sign-in and sign-up (OWASP: credential stuffing, brute force, lockout of others). The
// budgets live in the database (`login_throttles`, @shop/db's login-throttle service), so every API process
// and every server on the same database counts against the same budgets: N processes do not give an
// attacker N budgets. The policy (docs/api.md, "Sign-in limits"), each budget a fixed window:
//
// - every attempt counts against its client address (30 per 15 minutes): one address cannot spray accounts;
// - a failure counts against the account from that address (5 per 15 minutes): an attacker's guesses lock
//   out the attacker's address only, not the owner signing in from elsewhere;
// - a failure counts against the account from anywhere (50 per hour): once used up, by guesses from many
//   addresses, only addresses that signed in to the account before (its owner's, remembered for 30 days)
//   may still try. The owner at a known address is never denied by someone else's guesses.
//
// An attempt counts as a failure before its password is checked (so attempts arriving together cannot pass
// a budget); a success takes its point back. One over budget only because other attempts of the same account
// are still being checked in this process waits for them before it answers.
import { consumeBudget, type Orm, pointsUsed, purgeExpiredBudgets, refundPoint, resetBudget } from '@shop/db';

export interface LoginLimits {
  /** Failed sign-ins of one account from one address, per `windowSeconds`. */
  failuresPerAccount: number;
  /** Sign-in attempts from one address, per `windowSeconds`. */
  attemptsPerAddress: number;
  windowSeconds: number;
  /** Failed sign-ins of one account from all addresses together, per `accountWindowSeconds`. */
  failuresPerAccountAnywhere: number;
  accountWindowSeconds: number;
  /** Sign-ups one client address may make per `signUpWindowSeconds` (each costs an argon2 hash). */
  signUpsPerAddress: number;
  signUpWindowSeconds: number;
  /** How long an address that signed in to an account stays known to it. */
  knownAddressSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerAccount: 5,
  attemptsPerAddress: 30,
  windowSeconds: 15 * 60,
  failuresPerAccountAnywhere: 50,
  accountWindowSeconds: 60 * 60,
  signUpsPerAddress: 10,
  signUpWindowSeconds: 60 * 60,
  knownAddressSeconds: 30 * 24 * 60 * 60,
};

/** How often one process deletes the budgets whose window has ended (one indexed DELETE). */
const PURGE_INTERVAL_MS = 60_000;

// `subject` is @shop/db's signInSubject: the user an identifier names, so username and email share one budget.
const addressKey = (address: string) => `address:${address}`;
const accountKey = (subject: string) => `account:${subject}`;
const accountFromKey = (subject: string, address: string) => `account:${subject}@${address}`;
const knownKey = (subject: string, address: string) => `known:${subject}@${address}`;
const signUpKey = (address: string) => `signup:${address}`;

/** A refused attempt: how long to wait. */
export class OverBudget {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class LoginLimiter {
  readonly #orm: Orm;
  readonly #limits: LoginLimits;
  #nextPurge = 0;
  /**
   * Per subject, in this process: the attempts being checked, and the tail of its admissions, which run one
   * after another so that an attempt refused sees every attempt admitted before it among those checked.
   */
  readonly #inFlight = new Map<string, { checking: Set<Promise<unknown>>; turns: Promise<unknown> }>();

  constructor(orm: Orm, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.#orm = orm;
    this.#limits = limits;
  }

  readonly #em = () => this.#orm.em.fork();

  /**
   * Runs `check` (the password check: the signed-in session, or null for a failure) within the budgets, or
   * answers an OverBudget without running it.
   */
  async signIn<T>(subject: string, address: string, check: () => Promise<T | null>): Promise<T | null | OverBudget> {
    const inFlight = this.#inFlight.get(subject) ?? { checking: new Set(), turns: Promise.resolve() };
    this.#inFlight.set(subject, inFlight);
    const forget = () => {
      if (inFlight.checking.size === 0) this.#inFlight.delete(subject);
    };
    let attempt: Promise<T | null> | undefined;
    const decide = async () => {
      const wait = await this.#admit(subject, address);
      if (wait > 0) return wait;
      attempt = check().then(async (result) => {
        if (result !== null) await this.#succeeded(subject, address);
        return result;
      });
      const settled = attempt.finally(() => {
        inFlight.checking.delete(settled);
        forget();
      });
      inFlight.checking.add(settled);
      return 0;
    };
    for (;;) {
      const turn = inFlight.turns.then(decide);
      inFlight.turns = turn.catch(() => {});
      const wait = await turn.catch((error: unknown) => {
        forget();
        throw error;
      });
      if (attempt) return attempt;
      // Over budget while attempts of this account admitted before are still being checked here: one of them
      // may succeed and take its point back, so wait for one and count again. With none left, it is final.
      if (inFlight.checking.size === 0) {
        forget();
        return new OverBudget(wait);
      }
      await Promise.race([...inFlight.checking].map((other) => other.catch(() => {})));
    }
  }

  /** A sign-up from `address`: 0 when within its budget, else the seconds to wait. */
  async admitSignUp(address: string): Promise<number> {
    const { signUpsPerAddress: points, signUpWindowSeconds: windowSeconds } = this.#limits;
    const state = await consumeBudget(this.#em(), signUpKey(address), { points, windowSeconds });
    return state.retryAfterSeconds;
  }

  /** 0 when this attempt may proceed, else the seconds to wait; counted either way (see the policy above). */
  async #admit(subject: string, address: string): Promise<number> {
    const now = new Date();
    await this.#purgeNowAndThen(now);
    const { windowSeconds, failuresPerAccount, attemptsPerAddress } = this.#limits;
    const attempts = await consumeBudget(this.#em(), addressKey(address), {
      points: attemptsPerAddress,
      windowSeconds,
      now,
    });
    if (!attempts.allowed) return attempts.retryAfterSeconds;
    const fromHere = await consumeBudget(this.#em(), accountFromKey(subject, address), {
      points: failuresPerAccount,
      windowSeconds,
      now,
    });
    if (!fromHere.allowed) return fromHere.retryAfterSeconds;
    const anywhere = await consumeBudget(this.#em(), accountKey(subject), {
      points: this.#limits.failuresPerAccountAnywhere,
      windowSeconds: this.#limits.accountWindowSeconds,
      now,
    });
    if (anywhere.allowed) return 0;
    // The account's failures are used up: only an address its owner signed in from may still try.
    const known = await pointsUsed(this.#em(), knownKey(subject, address), now);
    return known > 0 ? 0 : anywhere.retryAfterSeconds;
  }

  /** A correct password: its point comes back, the failures from its address are forgotten, the address known. */
  async #succeeded(subject: string, address: string): Promise<void> {
    const em = this.#em();
    await refundPoint(em, accountKey(subject));
    await resetBudget(em, accountFromKey(subject, address));
    await consumeBudget(em, knownKey(subject, address), {
      points: Number.MAX_SAFE_INTEGER,
      windowSeconds: this.#limits.knownAddressSeconds,
    });
  }

  /** Keeps the table to the keys of the current window: at most one purge per process per interval. */
  async #purgeNowAndThen(now: Date): Promise<void> {
    if (now.getTime() < this.#nextPurge) return;
    this.#nextPurge = now.getTime() + PURGE_INTERVAL_MS;
    await purgeExpiredBudgets(this.#orm.em.fork(), now);
  }
}
