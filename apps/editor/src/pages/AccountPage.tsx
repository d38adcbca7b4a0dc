import { useCallback, useEffect, useState } from 'react';
import { type ApiKeyInfo, type AuditEntry, Role, type UserInfo } from '@flowcraft/schema';
import * as auth from '../api/auth-api.js';
import { errorMessage } from '../api/http.js';
import { navigate } from '../controllers/navigation.js';
import { confirmDialog, toast, useSession } from '../stores/app-stores.js';
import { ThemeToggle } from '../ui/ThemeToggle.js';
import { UserMenu } from '../ui/UserMenu.js';

async function attempt(what: string, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (err) {
    toast('error', `${what} failed: ${errorMessage(err)}`);
    return false;
  }
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <form
      className="card account-card"
      onSubmit={(e) => {
        e.preventDefault();
        void attempt('Password change', () => auth.changePassword(current, next)).then((ok) => {
          if (!ok) return;
          toast('success', 'Password changed; your other sessions were signed out.');
          setCurrent('');
          setNext('');
        });
      }}
    >
      <h2>Password</h2>
      <label className="field">
        <span className="field-label">Current password</span>
        <input
          className="input"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label className="field">
        <span className="field-label">New password (at least 10 characters)</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          minLength={10}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
        />
      </label>
      <button type="submit" className="btn">
        Change password
      </button>
    </form>
  );
}

function ApiKeys({ role }: { role: Role }) {
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [name, setName] = useState('');
  const [keyRole, setKeyRole] = useState<Role>(role);
  const [created, setCreated] = useState<string | undefined>();
  const refresh = useCallback(() => void auth.listApiKeys().then(setKeys, () => setKeys([])), []);
  useEffect(refresh, [refresh]);
  const allowed = Role.options.filter((r) => Role.options.indexOf(r) >= Role.options.indexOf(role));
  return (
    <section className="card account-card" data-testid="api-keys">
      <h2>API keys</h2>
      <p className="muted small">
        For scripts and CI: send as <code>Authorization: Bearer &lt;key&gt;</code> or <code>x-api-key</code>. A key
        never has more rights than you.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt('Creating the key', async () => {
            const key = await auth.createApiKey(name, keyRole);
            setCreated(key.key);
            setName('');
            refresh();
          });
        }}
      >
        <input
          className="input"
          placeholder="Key name"
          aria-label="Key name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          data-testid="api-key-name"
        />
        <select
          className="input"
          aria-label="Key role"
          value={keyRole}
          onChange={(e) => setKeyRole(Role.parse(e.target.value))}
        >
          {allowed.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="btn" data-testid="api-key-create">
          Create key
        </button>
      </form>
      {created && (
        <div className="banner" data-testid="api-key-created">
          Copy it now, it is not shown again: <code>{created}</code>
        </div>
      )}
      <table className="account-table">
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.role}</td>
              <td className="muted small">
                {k.revokedAt
                  ? 'revoked'
                  : k.lastUsedAt
                    ? `used ${new Date(k.lastUsedAt).toLocaleString()}`
                    : 'never used'}
              </td>
              <td>
                {!k.revokedAt && (
                  <button
                    type="button"
                    className="btn ghost small"
                    onClick={() => void attempt('Revoking', () => auth.revokeApiKey(k.id)).then(refresh)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Users({ selfId }: { selfId: string | undefined }) {
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const refresh = useCallback(() => void auth.listUsers().then(setUsers, () => setUsers([])), []);
  useEffect(refresh, [refresh]);
  return (
    <section className="card account-card" data-testid="users">
      <h2>Users</h2>
      <p className="muted small">
        admin: everything · editor: build, run and debug · runner: run and answer human steps · viewer: read only
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt('Adding the user', async () => {
            await auth.createUser(email, password, role);
            setEmail('');
            setPassword('');
            refresh();
          });
        }}
      >
        <input
          className="input"
          type="email"
          placeholder="Email"
          aria-label="New user's email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <input
          className="input"
          type="password"
          placeholder="Initial password"
          aria-label="New user's password"
          minLength={10}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <select
          className="input"
          aria-label="New user's role"
          value={role}
          onChange={(e) => setRole(Role.parse(e.target.value))}
        >
          {Role.options.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="btn primary">
          Add user
        </button>
      </form>
      <table className="account-table">
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="user-row">
              <td>{u.email}</td>
              <td>
                <select
                  className="input"
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  onChange={(e) =>
                    void attempt('Changing the role', () =>
                      auth.updateUser(u.id, { role: Role.parse(e.target.value) }),
                    ).then(refresh)
                  }
                >
                  {Role.options.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td className="muted small">
                {u.lastLoginAt ? `last sign-in ${new Date(u.lastLoginAt).toLocaleString()}` : 'never signed in'}
              </td>
              <td>
                {u.id !== selfId && (
                  <button
                    type="button"
                    className="btn ghost small danger"
                    onClick={() =>
                      void confirmDialog(
                        'Delete user',
                        `Delete ${u.email} with their sessions and API keys?`,
                        'Delete',
                        true,
                      ).then((yes) =>
                        yes ? attempt('Deleting', () => auth.deleteUser(u.id)).then(refresh) : undefined,
                      )
                    }
                  >
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  useEffect(() => void auth.listAudit().then(setEntries, () => setEntries([])), []);
  return (
    <section className="card account-card" data-testid="audit-log">
      <h2>Audit log</h2>
      <table className="account-table">
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="muted small">{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor.email ?? e.actor.kind}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td className="muted small">
                {Object.entries(e.target)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The signed-in user's password and API keys; users and the audit log for admins. */
export function AccountPage() {
  const session = useSession((s) => s.session);
  if (session.status !== 'signed-in') return null;
  const { me } = session;
  const admin = me.permissions.includes('users:manage');
  return (
    <div className="page list-view" data-testid="account-page">
      <header className="topbar">
        <button
          type="button"
          className="brand btn ghost"
          onClick={() => navigate({ page: 'list' })}
          title="All workflows"
        >
          <span className="logo" /> Flowcraft
        </button>
        <span className="spacer" />
        <UserMenu />
        <ThemeToggle />
      </header>
      <main className="list-page account-page">
        <h1>Account</h1>
        <p className="muted">
          {me.user?.email} · role <strong>{me.role}</strong>
        </p>
        {me.user && <PasswordForm />}
        {me.user && <ApiKeys role={me.role} />}
        {admin && <Users selfId={me.user?.id} />}
        {admin && <AuditLog />}
      </main>
    </div>
  );
}
