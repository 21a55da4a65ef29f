import { type FormEvent, useState } from 'react';
import { ApiError, login } from '../api-client.js';

/** Props of the login form. */
export interface LoginViewProps {
  /** Shown above the form (session ended, server unreachable). */
  notice?: string | undefined;
  onLoggedIn(userId: string): void;
}

/** The first screen: what the demo is, and a username/password form. */
export function LoginView({ notice, onLoggedIn }: LoginViewProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLoggedIn(await login(username.trim(), password));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 429) setError('Too many failed attempts. Wait a few minutes and try again.');
      else if (caught instanceof ApiError && caught.status === 401) setError('Wrong username or password.');
      else setError('Could not reach the server. Is the demo still running?');
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <section className="login-intro">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Baton
        </p>
        <h1>Watch your agents work, live.</h1>
        <p>
          Ask a question about your cloud bill. A triage agent picks a path, specialist agents pull data, find savings and plan the work,
          and you see every step as it happens. Other people on this server do the same, and never see a byte of your work.
        </p>
      </section>
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">Log in</h2>
        {notice && <p className="notice">{notice}</p>}
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </label>
        <p className="form-error" role="alert">
          {error ?? ''}
        </p>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="hint">The demo accounts are printed in the terminal that runs the server (for example alice, bob, carol).</p>
      </form>
    </main>
  );
}
