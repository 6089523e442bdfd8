// Notices: errors are alerts, everything else a polite status a screen reader announces.
import type { ReactNode } from 'react';
import { describeProblem } from '../problems.ts';

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

/** The page's `<title>`: React puts it in the document head ("Catalog · shop-rpc"). */
export function PageTitle({ children }: { children: string }) {
  return <title>{`${children} · shop-rpc`}</title>;
}
