// Sending money: from one of your accounts to an account number, or (for admins, who may look users up)
// to a user found by username. One idempotency key per transfer, so a repeated submission moves money once.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useRef, useState } from 'react';
import { Notice } from '../../components/feedback.tsx';
import { Field, TextField } from '../../components/fields.tsx';
import { formatMoney } from '../../money.ts';
import { describeProblem, shownBeside } from '../../problems.ts';
import { useTRPC } from '../../trpc.ts';
import { RecipientLookup } from './RecipientLookup.tsx';

const newKey = () => crypto.randomUUID();

export function TransferForm({
  accounts,
  defaultFrom,
}: {
  accounts: { id: number; balance: string }[];
  defaultFrom: number;
}) {
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
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { fromAccountId: Number(form.from), toAccountId: Number(form.to), amount: form.amount.trim() };
    const transferText = JSON.stringify(input);
    const previous = lastAttempt.current;
    const idempotencyKey = previous?.transfer === transferText ? previous.key : newKey();
    lastAttempt.current = { transfer: transferText, key: idempotencyKey };
    transfer.mutate({ ...input, idempotencyKey });
  };
  const sent = transfer.variables;
  const toRecipient = useCallback(
    (id: number | null) => setForm((f) => ({ ...f, to: id === null ? '' : String(id) })),
    [],
  );
  const ownOthers = accounts.filter((a) => String(a.id) !== form.from);
  return (
    <form onSubmit={submit} aria-labelledby="transfer-heading" className="transfer" noValidate>
      <h3 id="transfer-heading">Transfer funds</h3>
      <Field id="from" label="From account">
        <select id="from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })}>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              #{a.id} · {formatMoney(a.balance)}
            </option>
          ))}
        </select>
      </Field>
      <RecipientLookup onAccount={toRecipient} />
      <TextField
        id="to"
        label="To account number"
        inputMode="numeric"
        autoComplete="off"
        list={ownOthers.length > 0 ? 'own-accounts' : undefined}
        value={form.to}
        onChange={(to) => setForm({ ...form, to: to.replace(/^#/, '') })}
        error={fields.toAccountId}
        hint="Filled in from the username above, or type the account number."
      />
      {ownOthers.length > 0 && (
        <datalist id="own-accounts">
          {ownOthers.map((a) => (
            <option key={a.id} value={a.id}>
              My account #{a.id}
            </option>
          ))}
        </datalist>
      )}
      <TextField
        id="amount"
        label="Amount"
        inputMode="decimal"
        placeholder="12.50"
        value={form.amount}
        onChange={(amount) => setForm({ ...form, amount })}
        error={fields.amount}
      />
      {problem?.kind === 'INSUFFICIENT_FUNDS' && sent ? (
        <Notice tone="error">
          Insufficient funds: account #{sent.fromAccountId} holds less than {formatMoney(sent.amount)}.
        </Notice>
      ) : (
        problem && !shownBeside(problem, ['toAccountId', 'amount']) && <Notice tone="error">{problem.message}</Notice>
      )}
      {transfer.isSuccess && (
        <Notice tone="success">
          Moved {formatMoney(transfer.data.transfer.amount)} to account #{transfer.data.transfer.toAccountId}.
        </Notice>
      )}
      <button type="submit" disabled={transfer.isPending}>
        {transfer.isPending ? 'Sending…' : 'Send money'}
      </button>
    </form>
  );
}
