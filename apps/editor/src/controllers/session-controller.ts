import { Permission } from '@flowcraft/schema';
import { ApiError, setUnauthorizedHandler } from '../api/http.js';
import * as auth from '../api/auth-api.js';
import { sessionStore } from '../stores/app-stores.js';

/** Who is signed in: `GET /v1/auth/me`, else the sign-in (or first-admin setup) page. */
export async function loadSession(): Promise<void> {
  setUnauthorizedHandler(() => void loadSession());
  try {
    sessionStore.getState().set({ status: 'signed-in', me: await auth.getMe() });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      // An engine without /v1/auth (or unreachable): act as before; the engine still decides every request.
      sessionStore.getState().set({
        status: 'signed-in',
        me: {
          authMode: 'none',
          user: null,
          apiKey: null,
          role: 'admin',
          permissions: [...Permission.options],
          csrfToken: null,
        },
      });
      return;
    }
    const status = await auth.getAuthStatus();
    sessionStore
      .getState()
      .set({ status: 'signed-out', authMode: status.authMode, setupRequired: status.setupRequired });
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  sessionStore.getState().set({ status: 'signed-in', me: await auth.login(email, password) });
}

export async function setUpFirstAdmin(email: string, password: string): Promise<void> {
  sessionStore.getState().set({ status: 'signed-in', me: await auth.setupAdmin(email, password) });
}

export async function signOut(): Promise<void> {
  try {
    await auth.logout();
  } finally {
    await loadSession();
  }
}
