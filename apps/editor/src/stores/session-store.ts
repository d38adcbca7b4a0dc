import { createStore } from 'zustand/vanilla';
import type { AuthMode, Me, Permission } from '@flowcraft/schema';

/** Who is using the editor: loading, signed out (sign-in or first-admin setup page), or signed in. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; authMode: AuthMode; setupRequired: boolean }
  | { status: 'signed-in'; me: Me };

export interface SessionStore {
  session: SessionState;
  set(session: SessionState): void;
}

export function createSessionStore() {
  return createStore<SessionStore>()((set) => ({
    session: { status: 'loading' },
    set: (session) => set({ session }),
  }));
}

/** Whether the signed-in caller holds a permission (the engine decides; this only greys out the UI). */
export function sessionCan(state: SessionStore, permission: Permission): boolean {
  return state.session.status === 'signed-in' && state.session.me.permissions.includes(permission);
}
