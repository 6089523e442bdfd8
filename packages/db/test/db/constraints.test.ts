// Driver exceptions become the same domain errors on every dialect (translated once, in src/errors.ts).
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { Account, Product, Transfer, User } from '../../src/entities/index.ts';
import { ConflictError, InvalidError, translateErrors } from '../../src/errors.ts';
import { openAccount } from '../../src/services/accounts.ts';
import { createCategory } from '../../src/services/categories.ts';
import { createUser } from '../../src/services/users.ts';

const { em } = useTestDatabase();
const now = new Date();

describe('constraint violations', () => {
  it('unique → ConflictError naming the field', async () => {
    await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    const insert = translateErrors(() =>
      em().insert(User, { username: 'ann2', email: 'ann@example.com', isActive: true, createdAt: now, updatedAt: now }),
    );
    await expect(insert).rejects.toMatchObject({ kind: 'CONFLICT', field: 'email' });
    expect(await em().count(User)).toBe(1);
  });

  it('foreign key → ConflictError', async () => {
    const insert = translateErrors(() =>
      em().insert(Product, { name: 'x', price: '1.00', inStock: true, category: 4242, createdAt: now, updatedAt: now }),
    );
    await expect(insert).rejects.toBeInstanceOf(ConflictError);
    const user = await createUser(em(), { username: 'bo', email: 'bo@example.com' });
    const account = await openAccount(em(), user.id, '5.00');
    const ledger = translateErrors(() =>
      em().insert(Transfer, { fromAccount: account.id, toAccount: 4242, amount: '1.00', createdAt: now }),
    );
    await expect(ledger).rejects.toBeInstanceOf(ConflictError);
    expect(await em().count(Product)).toBe(0);
    expect(await em().count(Transfer)).toBe(0);
  });

  it('not null → InvalidError naming the field', async () => {
    const insert = translateErrors(() =>
      em().insert(User, { username: 'nomail', isActive: true, createdAt: now, updatedAt: now } as never),
    );
    await expect(insert).rejects.toMatchObject({ kind: 'INVALID', field: 'email' });
    expect(await em().count(User)).toBe(0);
  });

  it('check → InvalidError, and the row keeps its value', async () => {
    const user = await createUser(em(), { username: 'cy', email: 'cy@example.com' });
    const account = await openAccount(em(), user.id, '5.00');
    const update = translateErrors(() => em().nativeUpdate(Account, { id: account.id }, { balance: '-1.00' }));
    await expect(update).rejects.toBeInstanceOf(InvalidError);
    expect((await em().findOneOrFail(Account, { id: account.id })).balance).toEqual(expect.anything());
    const category = await createCategory(em(), 'C');
    const negative = translateErrors(() =>
      em().insert(Product, {
        name: 'x',
        price: '-0.01',
        inStock: true,
        category: category.id,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await expect(negative).rejects.toBeInstanceOf(InvalidError);
    const self = translateErrors(() =>
      em().insert(Transfer, { fromAccount: account.id, toAccount: account.id, amount: '1.00', createdAt: now }),
    );
    await expect(self).rejects.toBeInstanceOf(InvalidError);
  });
});
