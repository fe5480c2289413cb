import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { Schemas } from './client';

export type LiveState = Schemas['LiveState'];
export type AlarmEvent = Schemas['AlarmView'];

type Listener<T> = (value: T) => void;

interface Live {
  connected: boolean;
  onState(l: Listener<LiveState>): () => void;
  onAlarm(l: Listener<AlarmEvent>): () => void;
}

const LiveContext = createContext<Live | null>(null);

/**
 * One socket.io connection to `/live` for the signed-in user: it joins every elevator the user may
 * see (the server decides which) and hands `state` and `alarm` events to whoever listens — the
 * queries they belong to patch their cached data.
 */
export function LiveProvider({ token, children }: { token: string; children: ReactNode }) {
  const [connected, setConnected] = useState(false);
  const states = useRef(new Set<Listener<LiveState>>());
  const alarms = useRef(new Set<Listener<AlarmEvent>>());

  useEffect(() => {
    const socket: Socket = io('/live', { auth: { token }, transports: ['websocket'] });
    socket.on('connect', () => {
      setConnected(true);
      // batch: changes come as arrays, one per ingest commit — a few dozen frames a second even
      // when thousands of elevators report every second.
      socket.emit('join', { all: true, batch: true }, (ack: { ok: boolean; snapshot?: LiveState[] }) => {
        for (const s of ack.snapshot ?? []) for (const l of states.current) l(s);
      });
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('states', (list: LiveState[]) => {
      for (const s of list) for (const l of states.current) l(s);
    });
    socket.on('alarm', (a: AlarmEvent) => {
      for (const l of alarms.current) l(a);
    });
    return () => {
      socket.close();
    };
  }, [token]);

  const value = useMemo<Live>(
    () => ({
      connected,
      onState: (l) => {
        states.current.add(l);
        return () => states.current.delete(l);
      },
      onAlarm: (l) => {
        alarms.current.add(l);
        return () => alarms.current.delete(l);
      },
    }),
    [connected],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const l = useContext(LiveContext);
  if (!l) throw new Error('useLive outside LiveProvider');
  return l;
}
