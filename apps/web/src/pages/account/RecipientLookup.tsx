// Finding whom to pay by username (accounts.recipient: an active user's account numbers, nothing else).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Field, TextField } from '../../components/fields.tsx';
import { describeProblem } from '../../problems.ts';
import { useTRPC } from '../../trpc.ts';

/** The value once it has stopped changing for `ms` (a lookup per pause in typing, not per key). */
function useSettled(value: string, ms: number) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function RecipientLookup({ onAccount }: { onAccount: (accountId: number | null) => void }) {
  const trpc = useTRPC();
  const [username, setUsername] = useState('');
  const wanted = useSettled(username.trim(), 300);
  const user = useQuery({ ...trpc.accounts.recipient.queryOptions({ username: wanted }), enabled: wanted !== '' });
  const found = wanted !== '' ? user.data?.accountIds.map((id) => ({ id })) : undefined;
  const [chosen, setChosen] = useState<number | null>(null);
  // A newly found user's first account is the recipient until another of theirs is chosen.
  const first = found?.[0]?.id ?? null;
  useEffect(() => {
    setChosen(first);
    onAccount(first);
  }, [first, onAccount]);

  const missing = user.error && describeProblem(user.error).kind === 'NOT_FOUND';
  const status =
    wanted === ''
      ? null
      : user.isPending
        ? 'Looking up…'
        : missing
          ? `No user is called “${wanted}”.`
          : user.error
            ? describeProblem(user.error).message
            : found && found.length === 0
              ? `${wanted} has no account yet.`
              : found
                ? `Sending to ${wanted}, account #${chosen}.`
                : null;
  return (
    <div className="lookup">
      <TextField
        id="recipient"
        label="Recipient username"
        autoComplete="off"
        value={username}
        onChange={setUsername}
        hint="Finds their account; or type an account number below."
      />
      {found && found.length > 1 && (
        <Field id="recipient-account" label={`Account of ${wanted}`}>
          <select
            id="recipient-account"
            value={chosen ?? ''}
            onChange={(e) => {
              setChosen(Number(e.target.value));
              onAccount(Number(e.target.value));
            }}
          >
            {found.map((a) => (
              <option key={a.id} value={a.id}>
                #{a.id}
              </option>
            ))}
          </select>
        </Field>
      )}
      {status && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
    </div>
  );
}
