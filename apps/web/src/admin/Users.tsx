// Users: search, activate or deactivate (after a confirmation), add and remove roles (removing asks first).
// A table on a wide screen; under 640 px each user is a card (styles.css), so a phone never scrolls sideways.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConfirm } from '../components/confirm.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { TextField } from '../components/fields.tsx';
import { Pager } from '../components/pager.tsx';
import { type RouterOutputs, useTRPC } from '../trpc.ts';

type User = RouterOutputs['users']['search']['items'][number];

export function AdminUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [done, setDone] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const users = useQuery({
    ...trpc.users.search.queryOptions({ username: search, page, perPage: 20 }),
    placeholderData: keepPreviousData,
  });
  const roles = useQuery(trpc.roles.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.search.queryKey() });
  const setActive = useMutation(trpc.users.setActive.mutationOptions({ onSuccess: refresh }));
  const assign = useMutation(trpc.roles.assign.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.roles.revoke.mutationOptions({ onSuccess: refresh }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setSearch(draft.trim() || undefined);
  };
  const toggleActive = async (u: User) => {
    setDone(null);
    if (u.isActive) {
      const yes = await confirm({
        title: `Deactivate ${u.username}?`,
        body: `${u.username} is signed out and cannot sign in until an admin activates them again.`,
        action: 'Deactivate',
      });
      if (!yes) return;
    }
    setActive.mutate(
      { ids: [u.id], isActive: !u.isActive },
      { onSuccess: () => setDone(`${u.username} is now ${u.isActive ? 'inactive' : 'active'}.`) },
    );
  };
  const removeRole = async (u: User, role: string) => {
    setDone(null);
    const yes = await confirm({
      title: `Remove the role “${role}” from ${u.username}?`,
      body: `${u.username} loses what the ${role} role allows at their next request.`,
      action: 'Remove role',
    });
    if (yes) revoke.mutate({ userId: u.id, role }, { onSuccess: () => setDone(`Removed ${role} from ${u.username}.`) });
  };
  return (
    <section aria-labelledby="users-heading">
      <PageTitle>Users · Admin</PageTitle>
      <h1 id="users-heading">Users</h1>
      <form className="inline" onSubmit={submit} aria-label="Search users">
        <TextField id="user-search" label="Username contains" type="search" value={draft} onChange={setDraft} />
        <button type="submit">Search</button>
      </form>
      <ProblemNotice error={users.error ?? setActive.error ?? assign.error ?? revoke.error} />
      {done && <Notice tone="success">{done}</Notice>}
      {users.data && (
        <>
          <table className="users">
            <caption className="sr-only">Users, their status and roles</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Status</th>
                <th scope="col">Roles</th>
                <th scope="col">Add role</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <th scope="row" className="who">
                    {u.username}
                    <span className="muted">{u.email}</span>
                  </th>
                  <td data-label="Status">
                    <span className={u.isActive ? 'badge ok' : 'badge off'}>{u.isActive ? 'Active' : 'Inactive'}</span>
                    <button type="button" className="secondary small" onClick={() => void toggleActive(u)}>
                      {u.isActive ? 'Deactivate' : 'Activate'}
                      <span className="sr-only"> {u.username}</span>
                    </button>
                  </td>
                  <td data-label="Roles">
                    {u.roles.length === 0 && <span className="muted">none</span>}
                    {u.roles.map((role) => (
                      <button
                        type="button"
                        key={role}
                        className="chip"
                        aria-label={`Remove role ${role} from ${u.username}`}
                        onClick={() => void removeRole(u, role)}
                      >
                        {role} <span aria-hidden="true">×</span>
                      </button>
                    ))}
                  </td>
                  <td data-label="Add role">
                    <select
                      aria-label={`Add a role to ${u.username}`}
                      value=""
                      onChange={(e) => {
                        const role = e.target.value;
                        if (!role) return;
                        setDone(null);
                        assign.mutate(
                          { userId: u.id, role },
                          { onSuccess: () => setDone(`Added ${role} to ${u.username}.`) },
                        );
                      }}
                    >
                      <option value="">Add…</option>
                      {roles.data
                        ?.filter((r) => !u.roles.includes(r.name))
                        .map((r) => (
                          <option key={r.id} value={r.name}>
                            {r.name}
                          </option>
                        ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="User pages" of={users.data} onPage={setPage} />
        </>
      )}
      {dialog}
    </section>
  );
}
