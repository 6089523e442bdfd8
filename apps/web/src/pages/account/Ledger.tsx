// An account's ledger, newest first, ten a page, each row said in words.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Notice, ProblemNotice } from '../../components/feedback.tsx';
import { Pager } from '../../components/pager.tsx';
import { formatMovement } from '../../money.ts';
import { type RouterOutputs, useTRPC } from '../../trpc.ts';

export function Ledger({ accountId }: { accountId: number }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const ledger = useQuery(trpc.accounts.ledger.queryOptions({ accountId, page, perPage: 10 }));
  if (ledger.isPending) return <p aria-busy="true">Loading ledger…</p>;
  if (ledger.error) return <ProblemNotice error={ledger.error} />;
  const { items } = ledger.data;
  return (
    <section aria-labelledby="ledger-heading">
      <h3 id="ledger-heading">Ledger of account #{accountId}</h3>
      {items.length === 0 ? (
        <Notice tone="info">Nothing yet: money comes in from a top-up by the shop, or a transfer.</Notice>
      ) : (
        <table className="ledger">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <td>{t.createdAt.toLocaleString()}</td>
                <td>{inWords(t, accountId)}</td>
                <td className="money">{formatMovement(t.amount, t.fromAccountId === accountId ? 'out' : 'in')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ledger.data.total > 10 && <Pager label="Ledger pages" of={ledger.data} onPage={setPage} />}
    </section>
  );
}

type Entry = RouterOutputs['accounts']['ledger']['items'][number];

/** "Top-up by the shop: a voucher", "Payment for order #12", "Transfer to account #7". */
function inWords(entry: Entry, accountId: number): string {
  switch (entry.kind) {
    case 'top_up':
      return `Top-up by the shop${entry.reason ? `: ${entry.reason}` : ''}`;
    case 'withdrawal':
      return `Withdrawal by the shop${entry.reason ? `: ${entry.reason}` : ''}`;
    case 'payment':
      return `Payment for order #${entry.orderId}`;
    case 'refund':
      return `Refund of order #${entry.orderId}`;
    default:
      return entry.fromAccountId === accountId
        ? `Transfer to account #${entry.toAccountId}`
        : `Transfer from account #${entry.fromAccountId}`;
  }
}
