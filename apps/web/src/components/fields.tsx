// Labelled inputs with their error beside them (tied with aria-describedby), and the category choices
// every form that picks a category offers.
import { useQuery } from '@tanstack/react-query';
import type { HTMLAttributes, ReactNode } from 'react';
import { useTRPC } from '../trpc.ts';

/** A label, any control, and the control's error under it. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Props for a control whose error and hint, if any, are announced with it. */
export const describedBy = (id: string, error: string | undefined, hint?: boolean) => {
  const ids = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return { ...(error ? { 'aria-invalid': true as const } : {}), ...(ids ? { 'aria-describedby': ids } : {}) };
};

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
  type?: 'text' | 'search' | 'email' | 'password';
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  autoComplete?: string;
  placeholder?: string;
  required?: boolean;
  list?: string;
}

/** The one text input of the app: label, input (or textarea), hint and error, wired for screen readers. */
export function TextField({ id, label, value, onChange, error, hint, rows, type = 'text', ...rest }: TextFieldProps) {
  const common = { id, name: id, value, ...describedBy(id, error, hint !== undefined) };
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {rows ? (
        <textarea {...common} rows={rows} required={rest.required} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} {...rest} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

/** `<option>`s for a category `<select>`: the empty choice first (its words given), then every category. */
export function CategoryOptions({ empty }: { empty: string }) {
  const trpc = useTRPC();
  const categories = useQuery(trpc.categories.list.queryOptions());
  return (
    <>
      <option value="">{empty}</option>
      {categories.data?.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </>
  );
}
