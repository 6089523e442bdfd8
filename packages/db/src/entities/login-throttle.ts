import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Longest stored key; longer keys are stored as their SHA-256 (see services/login-throttle.ts). */
export const LOGIN_THROTTLE_KEY_LENGTH = 200;

/**
 * One sign-in budget (`account:<identifier>`, `address:<ip>`), shared by every API process: `points`
 * used in the fixed window that ends at `resetAt`. Written only by the login-throttle service's single
 * statements; rows whose window ended are purged.
 */
export const LoginThrottle = defineEntity({
  name: 'LoginThrottle',
  tableName: 'login_throttles',
  properties: {
    key: p.string().length(LOGIN_THROTTLE_KEY_LENGTH).primary(),
    points: p.integer(),
    // Indexed for the purge of ended windows (`reset_at <= now`).
    resetAt: p.datetime().index('idx_login_throttles_reset_at'),
  },
});
export type ILoginThrottle = InferEntity<typeof LoginThrottle>;
