// My account: profile, accounts with balances, transfers (one idempotency key per submission), ledger.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { describedBy, Field, Notice, Pager, ProblemNotice } from '../components.tsx';
import { useSession } from '../session.tsx';
import { describeProblem, type Me, useTRPC } from '../trpc.ts';

export function Account() {
  const { me } = useSession();
  if (!me) return null;
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">My account</h1>
      <div className="columns">
        <Profile me={me} />
        <Accounts me={me} />
      </div>
    </section>
  );
}

function Profile({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    firstName: me.profile?.firstName ?? '',
    lastName: me.profile?.lastName ?? '',
    bio: me.profile?.bio ?? '',
  });
  const save = useMutation(
    trpc.profiles.upsert.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
    }),
  );
  const fields = save.error ? describeProblem(save.error).fields : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      userId: me.id,
      firstName: form.firstName || null,
      lastName: form.lastName || null,
      bio: form.bio || null,
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile of {me.username}</h2>
      <Field id="firstName" label="First name" error={fields.firstName}>
        <input
          id="firstName"
          value={form.firstName}
          onChange={(e) => setForm({ ...form, firstName: e.target.value })}
          {...describedBy('firstName', fields.firstName)}
        />
      </Field>
      <Field id="lastName" label="Last name" error={fields.lastName}>
        <input
          id="lastName"
          value={form.lastName}
          onChange={(e) => setForm({ ...form, lastName: e.target.value })}
          {...describedBy('lastName', fields.lastName)}
        />
      </Field>
      <Field id="bio" label="Bio" error={fields.bio}>
        <textarea
          id="bio"
          rows={3}
          value={form.bio}
          onChange={(e) => setForm({ ...form, bio: e.target.value })}
          {...describedBy('bio', fields.bio)}
        />
      </Field>
      {save.error && Object.keys(fields).length === 0 && <ProblemNotice error={save.error} />}
      {save.isSuccess && <Notice tone="success">Profile saved.</Notice>}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save profile'}
      </button>
    </form>
  );
}

function Accounts({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const accounts = useQuery(trpc.accounts.listForUser.queryOptions({ userId: me.id }));
  const [selected, setSelected] = useState<number | null>(null);
  const open = useMutation(
    trpc.accounts.open.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.accounts.listForUser.queryKey() }),
    }),
  );
  if (accounts.isPending) return <p aria-busy="true">Loading accounts…</p>;
  if (accounts.error) return <ProblemNotice error={accounts.error} />;
  const current = selected ?? accounts.data[0]?.id ?? null;
  return (
    <div className="panel">
      <h2>Accounts</h2>
      {accounts.data.length === 0 ? (
        <Notice tone="info">You have no account yet.</Notice>
      ) : (
        <table>
          <caption className="sr-only">Your accounts and balances</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Balance</th>
              <th scope="col">Ledger</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.id}>
                <td>#{a.id}</td>
                <td className="money" data-testid={`balance-${a.id}`}>
                  ${a.balance}
                </td>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={a.id === current}
                    onClick={() => setSelected(a.id)}
                  >
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => open.mutate({ ownerId: me.id })} disabled={open.isPending}>
        Open a new account
      </button>
      <ProblemNotice error={open.error} />
      {accounts.data.length > 0 && current !== null && (
        <>
          <TransferForm fromAccounts={accounts.data.map((a) => a.id)} defaultFrom={current} />
          <Ledger key={current} accountId={current} />
        </>
      )}
    </div>
  );
}

const newKey = () => crypto.randomUUID();

function TransferForm({ fromAccounts, defaultFrom }: { fromAccounts: number[]; defaultFrom: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ from: String(defaultFrom), to: '', amount: '' });
  // One key per transfer: a double click, or sending the same transfer again after an error or a lost
  // answer, reuses the key of the last attempt and moves money once; a different transfer gets a new key.
  // A ref, not state: a double click submits twice before the page renders again.
  const lastAttempt = useRef<{ transfer: string; key: string } | null>(null);
  const transfer = useMutation(
    trpc.accounts.transfer.mutationOptions({
      onSuccess: async () => {
        setForm((f) => ({ ...f, to: '', amount: '' }));
        lastAttempt.current = null;
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.accounts.listForUser.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.accounts.ledger.queryKey() }),
        ]);
      },
    }),
  );
  const problem = transfer.error ? describeProblem(transfer.error) : null;
  const fields = problem?.fields ?? {};
  // Errors of the inputs below are shown beside them; any other (e.g. the idempotency key) as a notice.
  const besideInputs = fields.toAccountId !== undefined || fields.amount !== undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { fromAccountId: Number(form.from), toAccountId: Number(form.to), amount: form.amount };
    const transferText = JSON.stringify(input);
    const previous = lastAttempt.current;
    const idempotencyKey = previous?.transfer === transferText ? previous.key : newKey();
    lastAttempt.current = { transfer: transferText, key: idempotencyKey };
    transfer.mutate({ ...input, idempotencyKey });
  };
  return (
    <form onSubmit={submit} aria-labelledby="transfer-heading" className="transfer">
      <h3 id="transfer-heading">Transfer funds</h3>
      <Field id="from" label="From account">
        <select id="from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })}>
          {fromAccounts.map((id) => (
            <option key={id} value={id}>
              #{id}
            </option>
          ))}
        </select>
      </Field>
      <Field id="to" label="To account number" error={fields.toAccountId}>
        <input
          id="to"
          inputMode="numeric"
          required
          value={form.to}
          onChange={(e) => setForm({ ...form, to: e.target.value })}
          {...describedBy('to', fields.toAccountId)}
        />
      </Field>
      <Field id="amount" label="Amount" error={fields.amount}>
        <input
          id="amount"
          inputMode="decimal"
          placeholder="12.50"
          required
          value={form.amount}
          onChange={(e) => setForm({ ...form, amount: e.target.value })}
          {...describedBy('amount', fields.amount)}
        />
      </Field>
      {problem && problem.status === 422 && <Notice tone="error">Insufficient funds: {transfer.error?.message}</Notice>}
      {problem && problem.status !== 422 && !besideInputs && <Notice tone="error">{problem.message}</Notice>}
      {transfer.isSuccess && (
        <Notice tone="success">
          Moved ${transfer.data.transfer.amount} to account #{transfer.data.transfer.toAccountId}.
        </Notice>
      )}
      <button type="submit" disabled={transfer.isPending}>
        {transfer.isPending ? 'Sending…' : 'Send money'}
      </button>
    </form>
  );
}

function Ledger({ accountId }: { accountId: number }) {
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
                <td className="money">{t.fromAccountId === accountId ? `−$${t.amount}` : `+$${t.amount}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ledger.data.total > 10 && <Pager label="Ledger pages" of={ledger.data} onPage={setPage} />}
    </section>
  );
}
