import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { describedBy, Field, ProblemNotice } from '../components.tsx';
import { useSession } from '../session.tsx';
import { describeProblem, useTRPC } from '../trpc.ts';

export function SignIn() {
  const trpc = useTRPC();
  const { me, signIn } = useSession();
  const [params] = useSearchParams();
  const next = params.get('next')?.startsWith('/') ? (params.get('next') as string) : '/account';
  const [mode, setMode] = useState<'sign-in' | 'register'>('sign-in');
  const [form, setForm] = useState({ identifier: '', username: '', email: '', password: '' });
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: (session) => signIn(session.token) }));
  const register = useMutation(trpc.auth.register.mutationOptions());
  if (me) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'sign-in') return login.mutate({ identifier: form.identifier, password: form.password });
    await register.mutateAsync({ username: form.username, email: form.email, password: form.password });
    login.mutate({ identifier: form.username, password: form.password });
  };
  const failed = mode === 'sign-in' ? login.error : (register.error ?? login.error);
  const fields = failed ? describeProblem(failed).fields : {};
  const busy = login.isPending || register.isPending;
  const input = (name: keyof typeof form, type = 'text', autoComplete?: string) => (
    <input
      id={name}
      name={name}
      type={type}
      autoComplete={autoComplete}
      required
      value={form[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      {...describedBy(name, fields[name])}
    />
  );
  return (
    <section aria-labelledby="sign-in-heading" className="narrow">
      <h1 id="sign-in-heading">{mode === 'sign-in' ? 'Sign in' : 'Create an account'}</h1>
      <form onSubmit={(e) => void submit(e).catch(() => {})} noValidate>
        {mode === 'sign-in' ? (
          <Field id="identifier" label="Username or email" error={fields.identifier}>
            {input('identifier', 'text', 'username')}
          </Field>
        ) : (
          <>
            <Field id="username" label="Username" error={fields.username}>
              {input('username', 'text', 'username')}
            </Field>
            <Field id="email" label="Email" error={fields.email}>
              {input('email', 'email', 'email')}
            </Field>
          </>
        )}
        <Field id="password" label="Password" error={fields.password}>
          {input('password', 'password', mode === 'sign-in' ? 'current-password' : 'new-password')}
        </Field>
        {failed && Object.keys(fields).length === 0 && <ProblemNotice error={failed} />}
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'sign-in' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      <p>
        {mode === 'sign-in' ? 'New here? ' : 'Already have an account? '}
        <button type="button" className="link" onClick={() => setMode(mode === 'sign-in' ? 'register' : 'sign-in')}>
          {mode === 'sign-in' ? 'Create an account' : 'Sign in'}
        </button>
      </p>
    </section>
  );
}
