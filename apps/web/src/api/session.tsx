import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, configureAuth, type Schemas, unwrap } from './client';
import { forgetOffline } from './offlineCache';

export type User = Schemas['UserView'];
export type Role = User['role'];

interface Stored {
  token: string;
  expiresAt: number;
  user: User;
}

interface Session {
  user: User | null;
  token: string | null;
  /** why the last session ended, when it was not the user's choice */
  endedBecause: 'expired' | null;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
}

const KEY = 'lw.session';
const SessionContext = createContext<Session | null>(null);

function load(): Stored | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/**
 * The signed-in user: the platform's JWT kept in localStorage until it expires. An expired or
 * refused token ends the session and sends the user back to the login page with a message.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(load);
  const [endedBecause, setEndedBecause] = useState<'expired' | null>(null);
  // Cached answers belong to the user who asked: nothing of theirs may show to the next one.
  const queryClient = useQueryClient();

  const end = useCallback(
    (why: 'expired' | null) => {
      localStorage.removeItem(KEY);
      configureAuth(null, null);
      queryClient.clear();
      setStored(null);
      setEndedBecause(why);
    },
    [queryClient],
  );

  // The API client follows the session; a 401 on a signed-in request means the token is dead.
  configureAuth(stored?.token ?? null, stored ? () => end('expired') : null);

  useEffect(() => {
    if (!stored) return;
    const left = stored.expiresAt - Date.now();
    const timer = setTimeout(() => end('expired'), Math.max(0, left));
    return () => clearTimeout(timer);
  }, [stored, end]);

  const login = useCallback(
    async (username: string, password: string) => {
      const r = unwrap(await api.POST('/api/v1/auth/login', { body: { username, password } }));
      const s: Stored = {
        token: r.accessToken,
        expiresAt: Date.now() + r.expiresIn * 1000 - 5000,
        user: r.user,
      };
      localStorage.setItem(KEY, JSON.stringify(s));
      configureAuth(s.token, () => end('expired'));
      queryClient.clear();
      setEndedBecause(null);
      setStored(s);
    },
    [end, queryClient],
  );

  const value = useMemo<Session>(
    () => ({
      user: stored?.user ?? null,
      token: stored?.token ?? null,
      endedBecause,
      login,
      logout: () => {
        if (stored) forgetOffline(stored.user.id);
        end(null);
      },
    }),
    [stored, endedBecause, login, end],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (inside the authenticated part of the app). */
export function useUser(): User {
  const u = useSession().user;
  if (!u) throw new Error('no signed-in user');
  return u;
}
