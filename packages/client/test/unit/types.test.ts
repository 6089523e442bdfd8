// Compile-time checks (run by `tsc` in the typecheck task; vitest only executes the trivial bodies).
import { describe, expectTypeOf, it } from 'vitest';
import { createShopClient, type RouterInputs, type RouterOutputs } from '../../src/index.ts';

describe('inferred procedure types', () => {
  it('infers inputs and outputs from AppRouter', () => {
    expectTypeOf<RouterInputs['users']['create']>().toHaveProperty('email').toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['products']['byId']['price']>().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['users']['byId']['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<RouterOutputs['users']['byId']>().not.toHaveProperty('passwordHash');
    expectTypeOf<RouterOutputs['accounts']['transfer']['transfer']['amount']>().toEqualTypeOf<string>();
  });

  it('rejects wrong inputs at compile time', () => {
    const client = createShopClient({ url: 'http://127.0.0.1:1/trpc' });
    // Never awaited: only the types matter here.
    const typeOnly = () => {
      // @ts-expect-error price must be a decimal string, not a number
      void client.products.create.mutate({ name: 'x', price: 1.5, categoryId: 1 });
      // @ts-expect-error id is required
      void client.users.byId.query({});
      // @ts-expect-error no such procedure
      void client.users.drop.mutate({ id: 1 });
    };
    expectTypeOf(typeOnly).toBeFunction();
  });
});
