// My account: profile, accounts with balances, transfers (account/Transfer.tsx), ledger (account/Ledger.tsx).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { TextField } from '../components/fields.tsx';
import { formatMoney } from '../money.ts';
import { describeProblem, shownBeside } from '../problems.ts';
import { useSession } from '../session.tsx';
import { type Me, useTRPC } from '../trpc.ts';
import { Ledger } from './account/Ledger.tsx';
import { TransferForm } from './account/Transfer.tsx';

export function Account() {
  const { me } = useSession();
  if (!me) return null;
  return (
    <section aria-labelledby="account-heading">
      <PageTitle>My account</PageTitle>
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
  const problem = save.error ? describeProblem(save.error) : null;
  const fields = problem?.fields ?? {};
  const set = (changes: Partial<typeof form>) => {
    setForm({ ...form, ...changes });
    save.reset(); // "Saved" speaks of what was sent, not of an edit since
  };
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
      <TextField
        id="firstName"
        label="First name"
        autoComplete="given-name"
        value={form.firstName}
        onChange={(firstName) => set({ firstName })}
        error={fields.firstName}
      />
      <TextField
        id="lastName"
        label="Last name"
        autoComplete="family-name"
        value={form.lastName}
        onChange={(lastName) => set({ lastName })}
        error={fields.lastName}
      />
      <TextField id="bio" label="Bio" rows={3} value={form.bio} onChange={(bio) => set({ bio })} error={fields.bio} />
      {problem && !shownBeside(problem, Object.keys(form)) && <ProblemNotice error={save.error} />}
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
      <p className="muted">Money comes in from a top-up by the shop’s staff, a refund, or a transfer.</p>
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
                  {formatMoney(a.balance)}
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
          <TransferForm accounts={accounts.data} defaultFrom={current} />
          <Ledger key={current} accountId={current} />
        </>
      )}
    </div>
  );
}
