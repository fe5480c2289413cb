import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { useLive } from '../api/live';

export type FleetItem = Schemas['FleetItem'];
export type FleetCounts = Schemas['FleetStatusCounts'];

export const FLEET_KEY = ['fleet'] as const;
const FLUSH_MS = 250;

/** Every elevator the user sees (all pages of /fleet), kept current by socket.io `state` events. */
export function useFleet() {
  const live = useLive();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: FLEET_KEY,
    queryFn: async () => {
      const items: FleetItem[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = unwrap(await api.GET('/api/v1/fleet', { params: { query: { limit: 500, offset } } }));
        items.push(...page.items);
        if (items.length >= page.total || page.items.length === 0) break;
      }
      return items;
    },
    staleTime: 60_000,
  });
  // Live states patch the cached items they belong to; nothing is refetched. With thousands of
  // elevators reporting every second, states are gathered and applied together a few times a
  // second, so the list renders at most that often.
  useEffect(() => {
    const pending = new Map<string, Schemas['LiveState']>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = (): void => {
      timer = null;
      const batch = new Map(pending);
      pending.clear();
      qc.setQueryData<FleetItem[]>(FLEET_KEY, (items) =>
        items?.map((x) => {
          const s = batch.get(x.elevatorId);
          return s ? { ...x, live: s, status: s.status ?? x.status } : x;
        }),
      );
    };
    const stop = live.onState((s) => {
      pending.set(s.elevatorId, s);
      timer ??= setTimeout(flush, FLUSH_MS);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [live, qc]);
  return query;
}

export function countByStatus(items: readonly FleetItem[]): Record<FleetItem['status'], number> {
  const out = { trapped: 0, offline: 0, fault: 0, inspection: 0, out_of_service: 0, running: 0, idle: 0 };
  for (const i of items) out[i.status]++;
  return out;
}
