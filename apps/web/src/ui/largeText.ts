import { useCallback, useSyncExternalStore } from 'react';

/**
 * Large-text mode (适老化): body text 18 px and larger controls, remembered per user on this
 * device. Kept in localStorage under the user's id so a shared family phone keeps each person's
 * choice.
 */
const key = (userId: string | null): string => `lw.largeText.${userId ?? 'anonymous'}`;
const listeners = new Set<() => void>();

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  window.addEventListener('storage', cb);
  return () => {
    listeners.delete(cb);
    window.removeEventListener('storage', cb);
  };
}

export function useLargeText(userId: string | null): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(subscribe, () => localStorage.getItem(key(userId)) === '1');
  const set = useCallback(
    (next: boolean) => {
      if (next) localStorage.setItem(key(userId), '1');
      else localStorage.removeItem(key(userId));
      listeners.forEach((l) => l());
    },
    [userId],
  );
  return [on, set];
}
