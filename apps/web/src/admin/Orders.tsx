// The shop's orders for admins: filter by status, ship, mark delivered, cancel (refund and restock, after a
// confirmation). Each change shows what the server answered.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useConfirm } from '../components/confirm.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { Field } from '../components/fields.tsx';
import { Pager } from '../components/pager.tsx';
import { formatMoney } from '../money.ts';
import { itemsOf, type Order, OrderStatus } from '../pages/Orders.tsx';
import { useTRPC } from '../trpc.ts';

const FILTERS = ['placed', 'shipped', 'delivered', 'cancelled'] as const;

export function AdminOrders() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<(typeof FILTERS)[number] | ''>('');
  const [page, setPage] = useState(1);
  const [done, setDone] = useState<string | null>(null);
  const orders = useQuery(trpc.orders.list.queryOptions({ page, ...(status ? { status } : {}) }));
  const { confirm, dialog } = useConfirm();
  const after = (what: string) => async (order: Order) => {
    setDone(`Order #${order.id} ${what}.`);
    await queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() });
  };
  const ship = useMutation(trpc.orders.ship.mutationOptions({ onSuccess: after('shipped') }));
  const deliver = useMutation(trpc.orders.deliver.mutationOptions({ onSuccess: after('delivered') }));
  const cancel = useMutation(trpc.orders.cancel.mutationOptions({ onSuccess: after('cancelled and refunded') }));
  const busy = ship.isPending || deliver.isPending || cancel.isPending;
  return (
    <section aria-labelledby="admin-orders-heading">
      <PageTitle>Orders</PageTitle>
      <h1 id="admin-orders-heading">Orders</h1>
      <Field id="order-status" label="Status">
        <select
          id="order-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as typeof status);
            setPage(1);
          }}
        >
          <option value="">All orders</option>
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {f[0]?.toUpperCase()}
              {f.slice(1)}
            </option>
          ))}
        </select>
      </Field>
      {done && <Notice tone="success">{done}</Notice>}
      <ProblemNotice error={ship.error ?? deliver.error ?? cancel.error} />
      {orders.isPending ? (
        <p aria-busy="true">Loading orders…</p>
      ) : orders.error ? (
        <ProblemNotice error={orders.error} />
      ) : orders.data.items.length === 0 ? (
        <Notice tone="info">No orders{status ? ` with this status` : ''}.</Notice>
      ) : (
        <table className="admin-orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Buyer</th>
              <th scope="col">Items</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.items.map((order) => (
              <tr key={order.id}>
                <td data-label="Order">
                  <Link to={`/orders/${order.id}`}>#{order.id}</Link> {order.createdAt.toLocaleDateString()}
                </td>
                <td data-label="Buyer">
                  {order.buyerUsername}, account #{order.accountId}
                </td>
                <td data-label="Items">{itemsOf(order)}</td>
                <td data-label="Total" className="money">
                  {formatMoney(order.total)}
                </td>
                <td data-label="Status">
                  <OrderStatus status={order.status} />
                </td>
                <td data-label="Actions" className="actions">
                  {order.status === 'placed' && (
                    <button type="button" disabled={busy} onClick={() => ship.mutate({ id: order.id })}>
                      Ship #{order.id}
                    </button>
                  )}
                  {order.status === 'shipped' && (
                    <button type="button" disabled={busy} onClick={() => deliver.mutate({ id: order.id })}>
                      Mark #{order.id} delivered
                    </button>
                  )}
                  {(order.status === 'placed' || order.status === 'shipped') && (
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={async () => {
                        const yes = await confirm({
                          title: `Cancel order #${order.id}?`,
                          body: `${formatMoney(order.total)} goes back to account #${order.accountId} and the items back in stock.`,
                          action: 'Cancel order',
                        });
                        if (yes) cancel.mutate({ id: order.id });
                      }}
                    >
                      Cancel #{order.id}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {orders.data && orders.data.pages > 1 && <Pager label="Order pages" of={orders.data} onPage={setPage} />}
      {dialog}
    </section>
  );
}
