export * from './account.ts';
export * from './category.ts';
export * from './login-throttle.ts';
export * from './order.ts';
export * from './order-line.ts';
export * from './product.ts';
export * from './role.ts';
export * from './session.ts';
export * from './transfer.ts';
export * from './user.ts';
export * from './user-profile.ts';

import { Account } from './account.ts';
import { Category } from './category.ts';
import { LoginThrottle } from './login-throttle.ts';
import { Order } from './order.ts';
import { OrderLine } from './order-line.ts';
import { Product } from './product.ts';
import { Role } from './role.ts';
import { Session } from './session.ts';
import { Transfer } from './transfer.ts';
import { User } from './user.ts';
import { UserProfile } from './user-profile.ts';

/** Listed explicitly: folder discovery and circular defineEntity imports do not mix. */
export const entities = [
  User,
  UserProfile,
  Role,
  Category,
  Product,
  Account,
  Transfer,
  Order,
  OrderLine,
  Session,
  LoginThrottle,
];
