// Numbered pages: previous, the pages near the current one (first and last always), next.

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
