import { createStore, del, entries, set } from 'idb-keyval';
import { useEffect, useSyncExternalStore } from 'react';
import { authToken, type Schemas } from '../api/client';

type RecordBody = Schemas['CreateRecordDto'];

/**
 * A visit record written on the phone and not yet stored by the platform. It lives in the
 * browser's IndexedDB (photos as blobs) until the platform answers; its `clientRef` makes a submit
 * that reached the platform but whose answer was lost come back as the same record, not a second.
 */
export interface PendingVisit {
  clientRef: string;
  elevatorId: string;
  registrationCode: string;
  body: Omit<RecordBody, 'photos' | 'clientRef'>;
  photos: Blob[];
  /** the owners' countersignature drawn on the phone at the car, sent with the record */
  countersignature?: { signerName: string; signerTitle: string; signature: Blob } | null;
  createdAt: string;
  attempts: number;
  /** 'waiting': will be sent again; 'refused': the platform said no (shown, kept until discarded) */
  state: 'waiting' | 'refused';
  lastError: string | null;
}

const store = createStore('liftwatch', 'visit-outbox');
let snapshot: PendingVisit[] = [];
const listeners = new Set<() => void>();
/** Told of each visit the platform stored (to refresh plans and confirm a record sent later). */
const storedListeners = new Set<(v: PendingVisit) => void>();
let flushing: Promise<void> | null = null;

async function reload(): Promise<void> {
  const all = (await entries<string, PendingVisit>(store)).map(([, v]) => v);
  snapshot = all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const l of listeners) l();
}

class Refused extends Error {}

async function send(v: PendingVisit): Promise<void> {
  const token = authToken();
  if (!token) throw new Error('not signed in');
  const headers = { authorization: `Bearer ${token}` };
  const upload = async (file: Blob, name: string): Promise<string> => {
    const form = new FormData();
    form.append('file', file, name);
    const res = await fetch(`/api/v1/elevators/${v.elevatorId}/maintenance-photos`, {
      method: 'POST',
      headers,
      body: form,
    });
    await check(res);
    return ((await res.json()) as { sha256: string }).sha256;
  };
  const hashes: string[] = [];
  for (const photo of v.photos) hashes.push(await upload(photo, 'photo.jpg'));
  const cs = v.countersignature;
  const countersignature = cs
    ? {
        signerName: cs.signerName,
        signerTitle: cs.signerTitle,
        signature: await upload(cs.signature, 'signature.png'),
      }
    : undefined;
  const res = await fetch(`/api/v1/elevators/${v.elevatorId}/maintenance-records`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ ...v.body, photos: hashes, clientRef: v.clientRef, countersignature }),
  });
  await check(res);
}

/** 4xx other than 401/408/429 will not change by retrying: the technician must see why. */
async function check(res: Response): Promise<void> {
  if (res.ok) return;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as {
      message?: string;
      fields?: Array<{ field: string; messages: string[] }>;
    };
    const fields = (body.fields ?? []).map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
    message = fields || body.message || message;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status >= 400 && res.status < 500 && ![401, 408, 429].includes(res.status))
    throw new Refused(message);
  throw new Error(message);
}

/** Tries every waiting visit once, oldest first; one flush at a time. */
export function flushOutbox(): Promise<void> {
  flushing ??= (async () => {
    try {
      await reload();
      // signed out (or the session ended): keep everything for the next sign-in, count no attempt
      if (!authToken()) return;
      for (const v of snapshot.filter((x) => x.state === 'waiting')) {
        try {
          await send(v);
          await del(v.clientRef, store);
          for (const l of storedListeners) l(v);
        } catch (err) {
          await set(
            v.clientRef,
            {
              ...v,
              attempts: v.attempts + 1,
              state: err instanceof Refused ? 'refused' : 'waiting',
              lastError: err instanceof Error ? err.message : String(err),
            },
            store,
          );
        }
      }
    } finally {
      flushing = null;
      await reload();
    }
  })();
  return flushing;
}

/** Keeps the visit on the phone first, then tries to send it. */
export async function submitVisit(
  v: Omit<PendingVisit, 'attempts' | 'state' | 'lastError'>,
): Promise<boolean> {
  await set(v.clientRef, { ...v, attempts: 0, state: 'waiting', lastError: null }, store);
  await flushOutbox();
  return !snapshot.some((x) => x.clientRef === v.clientRef);
}

export async function discardVisit(clientRef: string): Promise<void> {
  await del(clientRef, store);
  await reload();
}

export function usePendingVisits(): PendingVisit[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
  );
}

/** Calls `cb` with each visit the platform stored; returns the unsubscribe. */
export function onVisitStored(cb: (v: PendingVisit) => void): () => void {
  storedListeners.add(cb);
  return () => storedListeners.delete(cb);
}

/**
 * Sends what is waiting when the app opens, when the connection comes back, and every 20 s;
 * `stored` hears of each record the platform kept.
 */
export function useOutboxRunner(stored?: (v: PendingVisit) => void): void {
  useEffect(() => (stored ? onVisitStored(stored) : undefined), [stored]);
  useEffect(() => {
    void flushOutbox();
    const online = () => void flushOutbox();
    window.addEventListener('online', online);
    const timer = window.setInterval(() => {
      if (snapshot.some((v) => v.state === 'waiting')) void flushOutbox();
    }, 20_000);
    return () => {
      window.removeEventListener('online', online);
      window.clearInterval(timer);
    };
  }, []);
}
