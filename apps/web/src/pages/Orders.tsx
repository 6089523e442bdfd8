// "My orders" (newest first, with their status) and one order's page (its lines, total and status, and
// "Cancel order" while it is placed).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useConfirm } from '../components/confirm.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { Pager } from '../components/pager.tsx';
import { formatMoney } from '../money.ts';
import { useSession } from '../session.tsx';
import { type RouterOutputs, useTRPC } from '../trpc.ts';

export type Order = RouterOutputs['orders']['byId'];

const STATUS: Record<Order['status'], string> = {
  placed: 'Placed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export function OrderStatus({ status }: { status: Order['status'] }) {
  return <span className={`status status-${status}`}>{STATUS[status]}</span>;
}

export const itemsOf = (order: Order) => order.lines.map((line) => `${line.quantity} × ${line.productName}`).join(', ');

export function MyOrders() {
  const trpc = useTRPC();
  const { me } = useSession();
  const [page, setPage] = useState(1);
  // Only the signed-in person's own, admins included (their "all orders" is the admin page).
  const orders = useQuery({ ...trpc.orders.list.queryOptions({ buyerId: me?.id ?? 0, page }), enabled: !!me });
  return (
    <section aria-labelledby="orders-heading">
      <PageTitle>My orders</PageTitle>
      <h1 id="orders-heading">My orders</h1>
      {orders.isPending ? (
        <p aria-busy="true">Loading your orders…</p>
      ) : orders.error ? (
        <ProblemNotice error={orders.error} />
      ) : orders.data.items.length === 0 ? (
        <Notice tone="info">
          No orders yet. <Link to="/">Browse the catalog</Link>
        </Notice>
      ) : (
        <>
          <ul className="orders">
            {orders.data.items.map((order) => (
              <li key={order.id} className="panel">
                <Link to={`/orders/${order.id}`}>Order #{order.id}</Link> · {order.createdAt.toLocaleDateString()} ·{' '}
                <OrderStatus status={order.status} />
                <p className="muted">{itemsOf(order)}</p>
                <p className="money">{formatMoney(order.total)}</p>
              </li>
            ))}
          </ul>
          {orders.data.pages > 1 && <Pager label="Order pages" of={orders.data} onPage={setPage} />}
        </>
      )}
    </section>
  );
}

export function OrderPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = Number(useParams().id);
  const order = useQuery({ ...trpc.orders.byId.queryOptions({ id }), enabled: Number.isInteger(id) && id > 0 });
  const { confirm, dialog } = useConfirm();
  const cancel = useMutation(trpc.orders.cancel.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  if (order.isPending) return <p aria-busy="true">Loading the order…</p>;
  if (order.error)
    return (
      <>
        <PageTitle>Order not found</PageTitle>
        <ProblemNotice error={order.error} />
        <Link to="/orders">My orders</Link>
      </>
    );
  const o = order.data;
  return (
    <section aria-labelledby="order-heading">
      <PageTitle>{`Order #${o.id}`}</PageTitle>
      <h1 id="order-heading">Order #{o.id}</h1>
      <p>
        <OrderStatus status={o.status} /> · placed {o.createdAt.toLocaleString()} · paid from account #{o.accountId}
      </p>
      <OrderLines order={o} />
      {o.status === 'placed' && (
        <div className="actions order-actions">
          <button
            type="button"
            className="danger"
            disabled={cancel.isPending}
            onClick={async () => {
              const yes = await confirm({
                title: `Cancel order #${o.id}?`,
                body: `${formatMoney(o.total)} goes back to account #${o.accountId}.`,
                action: 'Cancel order',
              });
              if (yes) cancel.mutate({ id: o.id });
            }}
          >
            Cancel order
          </button>
        </div>
      )}
      {cancel.isSuccess && <Notice tone="success">Order cancelled: the money is back in your account.</Notice>}
      <ProblemNotice error={cancel.error} />
      {dialog}
      <p>
        <Link to="/orders">All my orders</Link>
      </p>
    </section>
  );
}

export function OrderLines({ order }: { order: Order }) {
  return (
    <table className="order-lines">
      <caption className="sr-only">What the order holds</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Quantity</th>
          <th scope="col">Unit price</th>
          <th scope="col">Subtotal</th>
        </tr>
      </thead>
      <tbody>
        {order.lines.map((line) => (
          <tr key={`${line.productId}-${line.productName}`}>
            <td>
              {line.productId ? <Link to={`/products/${line.productId}`}>{line.productName}</Link> : line.productName}
            </td>
            <td>{line.quantity}</td>
            <td className="money">{formatMoney(line.unitPrice)}</td>
            <td className="money">{formatMoney(line.lineTotal)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Total
          </th>
          <td className="money" data-testid="order-total">
            {formatMoney(order.total)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
