// Domain errors: what a rule refused, in the domain's words (the API maps each kind to one HTTP status).

export type DomainErrorKind =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_FUNDS'
  | 'OUT_OF_STOCK'
  | 'INVALID'
  | 'FORBIDDEN';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

export class NotFoundError extends DomainError {
  readonly kind = 'NOT_FOUND';
  readonly entity: string;
  readonly key: string | number;
  constructor(entity: string, key: string | number) {
    super(`${entity} ${JSON.stringify(key)} not found`);
    this.entity = entity;
    this.key = key;
  }
}

export interface ConflictDetail {
  field: string;
  value?: unknown;
  /** Position in a bulk input, when the conflict belongs to one item of it. */
  index?: number;
}

export class ConflictError extends DomainError {
  readonly kind = 'CONFLICT';
  readonly field: string;
  readonly conflicts: ConflictDetail[];
  constructor(message: string, field: string, conflicts: ConflictDetail[] = [{ field }]) {
    super(message);
    this.field = field;
    this.conflicts = conflicts;
  }
}

export class InsufficientFundsError extends DomainError {
  readonly kind = 'INSUFFICIENT_FUNDS';
  readonly accountId: number;
  readonly amount: string;
  constructor(accountId: number, amount: string) {
    super(`account ${accountId} has insufficient funds for ${amount}`);
    this.accountId = accountId;
    this.amount = amount;
  }
}

/** A checkout line asks for more units than are left: which product, and how many there are. */
export class OutOfStockError extends DomainError {
  readonly kind = 'OUT_OF_STOCK';
  readonly productId: number;
  readonly requested: number;
  readonly available: number;
  constructor(productId: number, requested: number, available: number) {
    super(
      available === 0
        ? `product ${productId} is out of stock`
        : `product ${productId} has only ${available} left (${requested} asked)`,
    );
    this.productId = productId;
    this.requested = requested;
    this.available = available;
  }
}

export class InvalidError extends DomainError {
  readonly kind = 'INVALID';
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** The caller's scope does not allow what it asked (a customer opening an account with money in it). */
export class ForbiddenError extends DomainError {
  readonly kind = 'FORBIDDEN';
}
