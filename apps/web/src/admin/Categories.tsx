// Categories: create, rename, delete (refused while products remain: the message says so).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describedBy, Field, ProblemNotice } from '../components.tsx';
import { describeProblem, useTRPC } from '../trpc.ts';

export function AdminCategories() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const categories = useQuery(trpc.categories.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.categories.list.queryKey() });
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.categories.create.mutationOptions({
      onSuccess: async () => {
        setName('');
        await refresh();
      },
    }),
  );
  const rename = useMutation(trpc.categories.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.categories.delete.mutationOptions({ onSuccess: refresh }));
  const fields = create.error ? describeProblem(create.error).fields : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };
  return (
    <section aria-labelledby="categories-heading">
      <h1 id="categories-heading">Categories</h1>
      <form className="inline" onSubmit={submit} noValidate>
        <Field id="category-name" label="New category" error={fields.name}>
          <input
            id="category-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...describedBy('category-name', fields.name)}
          />
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create category
        </button>
      </form>
      {create.error && Object.keys(fields).length === 0 && <ProblemNotice error={create.error} />}
      <ProblemNotice error={rename.error ?? remove.error} />
      <ul className="rows">
        {categories.data?.map((c) => (
          <li key={c.id}>
            <span>{c.name}</span>
            <button
              type="button"
              onClick={() => {
                const next = window.prompt(`Rename "${c.name}" to:`, c.name);
                if (next && next !== c.name) rename.mutate({ id: c.id, name: next });
              }}
            >
              Rename<span className="sr-only"> {c.name}</span>
            </button>
            <button type="button" className="danger" onClick={() => remove.mutate({ id: c.id })}>
              Delete<span className="sr-only"> {c.name}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
