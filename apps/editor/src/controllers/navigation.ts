import { useSyncExternalStore } from 'react';
import { parseRoute, routeHash } from './route.js';
import type { Route } from './route.js';

type Guard = () => Promise<boolean>;
let guard: Guard | undefined;
let current = typeof location === 'undefined' ? '#/' : location.hash || '#/';
let restoring = false;
const listeners = new Set<() => void>();

/** Ask before leaving (unsaved changes); the guard resolves false to stay. */
export function setLeaveGuard(g: Guard | undefined): void {
  guard = g;
}

function emit(): void {
  for (const l of listeners) l();
}

async function onHashChange(): Promise<void> {
  const next = location.hash || '#/';
  if (restoring) {
    restoring = false;
    return;
  }
  if (next === current) return;
  if (guard && !(await guard())) {
    restoring = true;
    location.hash = current;
    return;
  }
  current = next;
  emit();
}

if (typeof window !== 'undefined') window.addEventListener('hashchange', () => void onHashChange());

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (hash === current) return;
  location.hash = hash;
}

/** Replace the current route without asking (after a save or a restore). */
export function replaceRoute(route: Route): void {
  const hash = routeHash(route);
  current = hash;
  history.replaceState(null, '', hash);
  emit();
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return parseRoute(hash);
}
