// Small accessible building blocks: notices, labelled fields with their error beside them, a pager.
import type { ReactNode } from 'react';
import { describeProblem } from './trpc.ts';

export function Notice({ tone, children }: { tone: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <p className={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function ProblemNotice({ error }: { error: unknown }) {
  if (!error) return null;
  return <Notice tone="error">{describeProblem(error).message}</Notice>;
}

/** A labelled input; `error` is shown under it and tied to it with aria-describedby. */
export function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Props for an input whose field error, if any, is announced with it. */
export const describedBy = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};

/** Previous / next for a page result; a `+` marks a lower-bound page count (the total is not exact). */
export function Pager({
  label,
  of: { page, pages, totalIsExact, hasNext },
  onPage,
}: {
  label: string;
  of: { page: number; pages: number; totalIsExact: boolean; hasNext: boolean };
  onPage: (page: number) => void;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pages}
        {totalIsExact ? '' : '+'}
      </span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
