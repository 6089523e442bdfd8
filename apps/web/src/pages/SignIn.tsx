import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { TextField } from '../components/fields.tsx';
import { describeProblem, shownBeside } from '../problems.ts';
import { useSession } from '../session.tsx';
import { useTRPC } from '../trpc.ts';

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
  const problem = failed ? describeProblem(failed) : null;
  const fields = problem?.fields ?? {};
  const busy = login.isPending || register.isPending;
  const input = (name: keyof typeof form, label: string, type: 'text' | 'email' | 'password', autoComplete: string) => (
    <TextField
      id={name}
      label={label}
      type={type}
      autoComplete={autoComplete}
      required
      value={form[name]}
      onChange={(value) => setForm({ ...form, [name]: value })}
      error={fields[name]}
    />
  );
  return (
    <section aria-labelledby="sign-in-heading" className="narrow">
      <PageTitle>{mode === 'sign-in' ? 'Sign in' : 'Create an account'}</PageTitle>
      <h1 id="sign-in-heading">{mode === 'sign-in' ? 'Sign in' : 'Create an account'}</h1>
      <form onSubmit={(e) => void submit(e).catch(() => {})} noValidate>
        {mode === 'sign-in' ? (
          input('identifier', 'Username or email', 'text', 'username')
        ) : (
          <>
            {input('username', 'Username', 'text', 'username')}
            {input('email', 'Email', 'email', 'email')}
          </>
        )}
        {input('password', 'Password', 'password', mode === 'sign-in' ? 'current-password' : 'new-password')}
        {failed && !shownBeside(problem, Object.keys(form)) && <ProblemNotice error={failed} />}
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
