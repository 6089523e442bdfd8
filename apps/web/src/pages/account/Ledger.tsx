// An account's transfers, newest first, ten a page.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Notice, ProblemNotice } from '../../components/feedback.tsx';
import { Pager } from '../../components/pager.tsx';
import { formatMovement } from '../../money.ts';
import { useTRPC } from '../../trpc.ts';

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
        <Notice tone="info">No transfers yet.</Notice>
      ) : (
        <table className="ledger">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <td>{t.createdAt.toLocaleString()}</td>
                <td>#{t.fromAccountId}</td>
                <td>#{t.toAccountId}</td>
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
