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

/**
 * The page numbers near this one (first and last always), with gaps as null: 1 … 4 5 [6] 7 8 … 20.
 * Past an inexact total only pages up to the known count are offered.
 */
export function pageNumbers(page: number, pages: number): (number | null)[] {
  const shown = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2]);
  const sorted = [...shown].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  return sorted.flatMap((n, i) => (i > 0 && n - (sorted[i - 1] as number) > 1 ? [null, n] : [n]));
}

/** Previous, the page numbers and next for a page result; a `+` marks a lower-bound page count. */
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
      <ol className="pages">
        {pageNumbers(page, Math.max(pages, page)).map((n, i) =>
          n === null ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: a gap has no identity but its place
            <li key={`gap-${i}`} aria-hidden="true">
              …
            </li>
          ) : (
            <li key={n}>
              <button
                type="button"
                className="page-number"
                aria-label={`Page ${n}`}
                aria-current={n === page ? 'page' : undefined}
                disabled={n === page}
                onClick={() => onPage(n)}
              >
                {n}
              </button>
            </li>
          ),
        )}
      </ol>
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
