// Categories: create, rename in place, delete after a confirmation (refused while products remain: the
// notice says so). Each change ends with a "Saved" or "Deleted" status.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConfirm } from '../components/confirm.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { TextField } from '../components/fields.tsx';
import { describeProblem, shownBeside } from '../problems.ts';
import { type RouterOutputs, useTRPC } from '../trpc.ts';

type Category = RouterOutputs['categories']['list'][number];

export function AdminCategories() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const categories = useQuery(trpc.categories.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.categories.list.queryKey() });
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const create = useMutation(
    trpc.categories.create.mutationOptions({
      onSuccess: async (category) => {
        setName('');
        setDone(`Saved “${category.name}”.`);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.categories.delete.mutationOptions({
      onSuccess: async () => {
        await refresh();
      },
    }),
  );
  const problem = create.error ? describeProblem(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    create.mutate({ name });
  };
  const askToDelete = async (c: Category) => {
    setDone(null);
    const yes = await confirm({
      title: `Delete “${c.name}”?`,
      body: 'The category disappears from the shop. A category that still has products cannot be deleted.',
      action: 'Delete category',
    });
    if (yes) remove.mutate({ id: c.id }, { onSuccess: () => setDone(`Deleted “${c.name}”.`) });
  };
  return (
    <section aria-labelledby="categories-heading">
      <PageTitle>Categories · Admin</PageTitle>
      <h1 id="categories-heading">Categories</h1>
      <form className="inline" onSubmit={submit} noValidate>
        <TextField
          id="category-name"
          label="New category"
          value={name}
          onChange={(next) => {
            setName(next);
            create.reset(); // an error speaks of the name that was sent
          }}
          error={problem?.fields.name}
        />
        <button type="submit" disabled={create.isPending}>
          Create category
        </button>
      </form>
      {problem && !shownBeside(problem, ['name']) && <ProblemNotice error={create.error} />}
      <ProblemNotice error={remove.error} />
      {done && <Notice tone="success">{done}</Notice>}
      <ul className="rows">
        {categories.data?.map((c) =>
          editing === c.id ? (
            <RenameRow
              key={c.id}
              category={c}
              onClose={(saved) => {
                setEditing(null);
                if (saved) setDone(`Saved “${saved}”.`);
              }}
            />
          ) : (
            <li key={c.id}>
              <span>{c.name}</span>
              <div className="row-actions">
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setDone(null);
                    setEditing(c.id);
                  }}
                >
                  Rename<span className="sr-only"> {c.name}</span>
                </button>
                <button type="button" className="danger" onClick={() => void askToDelete(c)}>
                  Delete<span className="sr-only"> {c.name}</span>
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
      {dialog}
    </section>
  );
}

/** A category's row while it is renamed: its name in an input, Save and Cancel. */
function RenameRow({ category, onClose }: { category: Category; onClose: (savedName: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(category.name);
  const rename = useMutation(
    trpc.categories.update.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.categories.list.queryKey() });
        onClose(saved.name);
      },
    }),
  );
  const problem = rename.error ? describeProblem(rename.error) : null;
  const id = `rename-${category.id}`;
  return (
    <li>
      <form
        className="inline rename"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() === category.name) onClose(null);
          else rename.mutate({ id: category.id, name });
        }}
      >
        <TextField
          id={id}
          label={`New name for ${category.name}`}
          value={name}
          onChange={setName}
          error={problem?.fields.name}
        />
        <button type="submit" disabled={rename.isPending}>
          Save
        </button>
        <button type="button" className="secondary" onClick={() => onClose(null)}>
          Cancel
        </button>
      </form>
      {problem && !shownBeside(problem, ['name']) && <ProblemNotice error={rename.error} />}
    </li>
  );
}
