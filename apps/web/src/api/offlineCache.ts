import { dehydrate, type DehydratedState, hydrate, type QueryClient } from '@tanstack/react-query';

/**
 * What a technician needs at the car without signal, kept on the phone once loaded: the elevators
 * looked up by their code, their maintenance plans, the checklist and the work list. Stored per
 * user (a shared phone keeps people apart) with React Query's own dehydrate/hydrate; anything
 * older than a week is dropped.
 */
const KEPT = new Set(['elevators', 'plan', 'checklist', 'work-orders']);
/** Of the elevators, only those looked up by their code (not an admin's lists of hundreds). */
function kept(key: readonly unknown[]): boolean {
  const [first, second] = key;
  return KEPT.has(String(first)) && (first !== 'elevators' || second === 'by-code');
}
const MAX_AGE_MS = 7 * 86_400_000;
const key = (userId: string): string => `lw.offline.${userId}`;

/** Puts back what was kept for this user (before the first render, so screens start with it). */
export function restoreOffline(qc: QueryClient, userId: string): void {
  try {
    const raw = localStorage.getItem(key(userId));
    if (!raw) return;
    const saved = JSON.parse(raw) as { at: number; state: DehydratedState };
    if (Date.now() - saved.at > MAX_AGE_MS) return localStorage.removeItem(key(userId));
    hydrate(qc, saved.state);
  } catch {
    localStorage.removeItem(key(userId));
  }
}

/** Keeps the chosen queries' latest successful data; returns the unsubscribe. */
export function keepOffline(qc: QueryClient, userId: string): () => void {
  let timer: number | undefined;
  const save = (): void => {
    timer = undefined;
    const state = dehydrate(qc, {
      shouldDehydrateQuery: (q) =>
        q.state.status === 'success' && kept(q.queryKey) && q.state.data !== undefined,
    });
    try {
      localStorage.setItem(key(userId), JSON.stringify({ at: Date.now(), state }));
    } catch {
      // storage full or refused: the app still works online
    }
  };
  const unsubscribe = qc.getQueryCache().subscribe((e) => {
    if (
      e.type === 'updated' &&
      e.action.type === 'success' &&
      KEPT.has(String((e.query.queryKey as unknown[])[0]))
    )
      timer ??= window.setTimeout(save, 500);
  });
  // leaving or hiding the page (a reload, the phone locked) saves at once
  const now = (): void => {
    if (timer === undefined) return;
    window.clearTimeout(timer);
    save();
  };
  window.addEventListener('pagehide', now);
  document.addEventListener('visibilitychange', now);
  return () => {
    unsubscribe();
    window.removeEventListener('pagehide', now);
    document.removeEventListener('visibilitychange', now);
    if (timer !== undefined) window.clearTimeout(timer);
  };
}

/** Forgets what was kept for a user (on signing out). */
export function forgetOffline(userId: string): void {
  localStorage.removeItem(key(userId));
}
