// The cart and its checkout: the lines with their quantities, the account that pays (with its balance), and
// one "Place order" whose idempotency key is made once per attempt, so pressing it again after a network
// failure never buys twice. The server prices the order; a refusal is said in the shopper's words.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCart } from '../cart.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { Field } from '../components/fields.tsx';
import { formatMoney } from '../money.ts';
import { describeProblem } from '../problems.ts';
import { useSession } from '../session.tsx';
import { useTRPC } from '../trpc.ts';

const cents = (amount: string) => Math.round(Number(amount) * 100);

export function Cart() {
  const cart = useCart();
  const { me } = useSession();
  const total = cart.lines.reduce((sum, line) => sum + cents(line.price) * line.quantity, 0);
  return (
    <section aria-labelledby="cart-heading">
      <PageTitle>Your cart</PageTitle>
      <h1 id="cart-heading">Your cart</h1>
      {cart.lines.length === 0 ? (
        <Notice tone="info">
          Your cart is empty. <Link to="/">Browse the catalog</Link>
        </Notice>
      ) : (
        <div className="columns">
          <div className="panel">
            <table className="cart">
              <caption className="sr-only">Products in your cart</caption>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Subtotal</th>
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {cart.lines.map((line) => (
                  <tr key={line.productId}>
                    <td>
                      <Link to={`/products/${line.productId}`}>{line.name}</Link>
                    </td>
                    <td>
                      <input
                        type="number"
                        aria-label={`Quantity of ${line.name}`}
                        min={1}
                        max={line.stock}
                        value={line.quantity}
                        onChange={(e) => cart.setQuantity(line.productId, Math.max(1, Number(e.target.value) || 1))}
                      />
                    </td>
                    <td className="money">{formatMoney(((cents(line.price) * line.quantity) / 100).toFixed(2))}</td>
                    <td>
                      <button type="button" className="link" onClick={() => cart.remove(line.productId)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <td className="money" data-testid="cart-total">
                    {formatMoney((total / 100).toFixed(2))}
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
          {me ? (
            <Checkout userId={me.id} />
          ) : (
            <Notice tone="info">
              <Link to="/sign-in?next=/cart">Sign in</Link> to check out.
            </Notice>
          )}
        </div>
      )}
    </section>
  );
}

function Checkout({ userId }: { userId: number }) {
  const trpc = useTRPC();
  const cart = useCart();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const accounts = useQuery(trpc.accounts.listForUser.queryOptions({ userId }));
  const [chosen, setChosen] = useState<number | null>(null);
  // One key per attempt at this cart: a retry after a lost answer finds the same order instead of a second.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const place = useMutation(
    trpc.orders.checkout.mutationOptions({
      onSuccess: async ({ order }) => {
        cart.clear();
        setAttempt(crypto.randomUUID());
        await queryClient.invalidateQueries();
        navigate(`/orders/${order.id}`);
      },
    }),
  );
  if (accounts.isPending) return <p aria-busy="true">Loading your accounts…</p>;
  if (accounts.error) return <ProblemNotice error={accounts.error} />;
  const accountId = chosen ?? accounts.data[0]?.id ?? null;
  const problem = place.error ? refusal(place.error, cart.lines) : null;
  return (
    <form
      className="panel"
      aria-labelledby="checkout-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (accountId === null) return;
        place.mutate({
          accountId,
          lines: cart.lines.map(({ productId, quantity }) => ({ productId, quantity })),
          idempotencyKey: attempt,
        });
      }}
    >
      <h2 id="checkout-heading">Checkout</h2>
      {accounts.data.length === 0 ? (
        <Notice tone="info">
          You need an account with money to pay: open one on <Link to="/account">My account</Link>; the shop’s staff top
          it up.
        </Notice>
      ) : (
        <Field id="pay-from" label="Pay from">
          <select id="pay-from" value={accountId ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
            {accounts.data.map((a) => (
              <option key={a.id} value={a.id}>
                Account #{a.id} ({formatMoney(a.balance)})
              </option>
            ))}
          </select>
        </Field>
      )}
      {problem && <Notice tone="error">{problem}</Notice>}
      <button type="submit" disabled={place.isPending || accountId === null}>
        {place.isPending ? 'Placing your order…' : 'Place order'}
      </button>
    </form>
  );
}

/** Why the shop refused the order, for the shopper: which product ran out, or that the money is short. */
function refusal(error: unknown, lines: { productId: number; name: string }[]): string {
  const problem = describeProblem(error);
  const domain = (error as { data?: { domain?: { productId?: number | null; available?: number | null } } }).data
    ?.domain;
  const name = lines.find((line) => line.productId === domain?.productId)?.name;
  if (problem.kind === 'OUT_OF_STOCK') {
    return domain?.available
      ? `Only ${domain.available} left of ${name ?? 'a product'}: lower the quantity and try again.`
      : `${name ?? 'A product'} has just sold out: remove it from your cart.`;
  }
  if (problem.kind === 'INSUFFICIENT_FUNDS')
    return 'This account does not hold enough money for the order: choose another, or ask the shop for a top-up.';
  if (problem.kind === 'NOT_FOUND')
    return `${name ?? 'A product in your cart'} is no longer sold: remove it and try again.`;
  return problem.message;
}
