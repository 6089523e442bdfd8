// Users: search, activate/deactivate, roles.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, Pager, ProblemNotice } from '../components.tsx';
import { useTRPC } from '../trpc.ts';

export function AdminUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
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
  return (
    <section aria-labelledby="users-heading">
      <h1 id="users-heading">Users</h1>
      <form className="inline" onSubmit={submit} aria-label="Search users">
        <Field id="user-search" label="Username contains">
          <input id="user-search" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </Field>
        <button type="submit">Search</button>
      </form>
      <ProblemNotice error={users.error ?? setActive.error ?? assign.error ?? revoke.error} />
      {users.data && (
        <>
          <div className="table-scroll">
            <table>
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
                    <td>
                      {u.username}
                      <br />
                      <span className="muted">{u.email}</span>
                    </td>
                    <td>
                      <button type="button" onClick={() => setActive.mutate({ ids: [u.id], isActive: !u.isActive })}>
                        {u.isActive ? `Deactivate ${u.username}` : `Activate ${u.username}`}
                      </button>
                    </td>
                    <td>
                      {u.roles.map((role) => (
                        <button
                          type="button"
                          key={role}
                          className="chip"
                          aria-label={`Remove role ${role} from ${u.username}`}
                          onClick={() => revoke.mutate({ userId: u.id, role })}
                        >
                          {role} ×
                        </button>
                      ))}
                    </td>
                    <td>
                      <select
                        aria-label={`Add a role to ${u.username}`}
                        value=""
                        onChange={(e) => e.target.value && assign.mutate({ userId: u.id, role: e.target.value })}
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
          </div>
          <Pager label="User pages" of={users.data} onPage={setPage} />
        </>
      )}
    </section>
  );
}
