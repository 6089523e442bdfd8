// Abuse limits for sign-in (OWASP: credential stuffing, brute force): failed attempts per account, and
// all attempts per client address, each in a sliding 15-minute budget (in memory, per process).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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

export class LoginLimiter {
  private readonly perAccount: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.perAccount = new RateLimiterMemory({ points: limits.failuresPerAccount, duration: limits.windowSeconds });
    this.perAddress = new RateLimiterMemory({ points: limits.attemptsPerAddress, duration: limits.windowSeconds });
  }

  /** Seconds to wait when this attempt is over budget, or 0 when it may proceed (and is counted). */
  async admit(account: string, address: string): Promise<number> {
    const blocked = await this.perAccount.get(account.toLowerCase());
    if (blocked && blocked.remainingPoints <= 0) return Math.ceil(blocked.msBeforeNext / 1000);
    try {
      await this.perAddress.consume(address);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.ceil(rejection.msBeforeNext / 1000);
      throw rejection;
    }
  }

  async failed(account: string): Promise<void> {
    await this.perAccount.penalty(account.toLowerCase(), 1);
  }

  async succeeded(account: string): Promise<void> {
    await this.perAccount.delete(account.toLowerCase());
  }
}
