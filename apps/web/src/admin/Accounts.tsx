// Money in and out of the shop, admins only: a top-up of a customer's account (a payment received, a
// voucher) or a withdrawal (a payout, a correction), each with its reason, which the account's ledger shows.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Notice, PageTitle } from '../components/feedback.tsx';
import { TextField } from '../components/fields.tsx';
import { formatMoney } from '../money.ts';
import { describeProblem } from '../problems.ts';
import { useTRPC } from '../trpc.ts';

export function AdminAccounts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ accountId: '', amount: '', reason: '' });
  const [saved, setSaved] = useState<string | null>(null);
  const onSuccess = (what: string) => async (account: { id: number; balance: string }) => {
    setSaved(`${what}: account #${account.id} now holds ${formatMoney(account.balance)}.`);
    setForm({ ...form, amount: '', reason: '' });
    await queryClient.invalidateQueries();
  };
  const topUp = useMutation(trpc.accounts.deposit.mutationOptions({ onSuccess: onSuccess('Saved top-up') }));
  const withdraw = useMutation(trpc.accounts.withdraw.mutationOptions({ onSuccess: onSuccess('Saved withdrawal') }));
  const error = topUp.error ?? withdraw.error;
  const problem = error ? describeProblem(error) : null;
  const fields = { ...problem?.fields };
  if (problem?.kind === 'NOT_FOUND') fields.accountId = 'No account has this number';
  if (problem?.kind === 'INSUFFICIENT_FUNDS') fields.amount = 'The account holds less than this';
  const set = (changes: Partial<typeof form>) => {
    setForm({ ...form, ...changes });
    setSaved(null);
    topUp.reset();
    withdraw.reset();
  };
  const submit = (kind: 'top-up' | 'withdraw') => (event?: FormEvent) => {
    event?.preventDefault();
    const input = { accountId: Number(form.accountId), amount: form.amount.trim(), reason: form.reason };
    if (kind === 'top-up') topUp.mutate(input);
    else withdraw.mutate(input);
  };
  return (
    <section aria-labelledby="admin-accounts-heading">
      <PageTitle>Top-ups</PageTitle>
      <h1 id="admin-accounts-heading">Top-ups and withdrawals</h1>
      <p className="muted">
        Money enters a customer’s account only here (or as a refund); every movement is in the account’s ledger with its
        reason.
      </p>
      <form className="panel" onSubmit={submit('top-up')}>
        <TextField
          id="accountId"
          label="Account number"
          inputMode="numeric"
          value={form.accountId}
          onChange={(accountId) => set({ accountId })}
          error={fields.accountId}
        />
        <TextField
          id="amount"
          label="Amount"
          inputMode="decimal"
          value={form.amount}
          onChange={(amount) => set({ amount })}
          error={fields.amount}
        />
        <TextField
          id="reason"
          label="Reason"
          value={form.reason}
          onChange={(reason) => set({ reason })}
          error={fields.reason ? 'Say why (up to 200 characters)' : undefined}
          hint="Shown in the account’s ledger, e.g. “bank transfer received 12 May”."
        />
        {problem && Object.keys(fields).length === 0 && <Notice tone="error">{problem.message}</Notice>}
        {saved && <Notice tone="success">{saved}</Notice>}
        <div className="actions">
          <button type="submit" disabled={topUp.isPending || withdraw.isPending}>
            Top up
          </button>
          <button type="button" disabled={topUp.isPending || withdraw.isPending} onClick={() => submit('withdraw')()}>
            Withdraw
          </button>
        </div>
      </form>
    </section>
  );
}
