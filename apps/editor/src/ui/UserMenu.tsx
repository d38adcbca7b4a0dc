import { navigate } from '../controllers/navigation.js';
import { signOut } from '../controllers/session-controller.js';
import { useSession } from '../stores/app-stores.js';

/** The signed-in user, a link to the account page and Sign out (only with AUTH_MODE=users). */
export function UserMenu() {
  const session = useSession((s) => s.session);
  if (session.status !== 'signed-in' || session.me.authMode !== 'users') return null;
  const { me } = session;
  return (
    <div className="row user-menu" data-testid="user-menu">
      <button
        type="button"
        className="btn ghost small"
        onClick={() => navigate({ page: 'account' })}
        data-testid="account-link"
        title="Account, API keys and users"
      >
        {me.user?.email ?? me.apiKey?.name ?? 'account'} · <span data-testid="user-role">{me.role}</span>
      </button>
      <button type="button" className="btn ghost small" onClick={() => void signOut()} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}
