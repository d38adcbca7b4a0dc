import { useState } from 'react';
import { errorMessage } from '../api/http.js';
import { setUpFirstAdmin, signIn } from '../controllers/session-controller.js';

/** Sign in, or — when no user exists yet — create the first admin (one-time setup). */
export function LoginPage({ setup }: { setup: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await (setup ? setUpFirstAdmin(email, password) : signIn(email, password));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page list-view" data-testid={setup ? 'setup-page' : 'login-page'}>
      <header className="topbar">
        <div className="brand">
          <span className="logo" /> Flowcraft
        </div>
      </header>
      <main className="list-page auth-page">
        <form
          className="card auth-card"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h1>{setup ? 'Create the first admin' : 'Sign in'}</h1>
          {setup && (
            <p className="muted small">
              No user exists yet. This account will be the admin; it can add other users with roles.
            </p>
          )}
          <label className="field">
            <span className="field-label">Email</span>
            <input
              className="input"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="login-email"
            />
          </label>
          <label className="field">
            <span className="field-label">Password{setup ? ' (at least 10 characters)' : ''}</span>
            <input
              className="input"
              type="password"
              autoComplete={setup ? 'new-password' : 'current-password'}
              required
              minLength={setup ? 10 : 1}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </label>
          {error && (
            <div className="banner error" role="alert" data-testid="login-error">
              {error}
            </div>
          )}
          <button type="submit" className="btn primary" disabled={busy} data-testid="login-submit">
            {setup ? 'Create admin and sign in' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
