import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** The elevator a scanned registration code names, among those the user sees (null: none). */
export function useElevatorByCode(code: string) {
  return useQuery({
    queryKey: ['elevators', 'by-code', code],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/elevators', { params: { query: { registrationCode: code, limit: 1 } } }))
        .items[0] ?? null,
  });
}

/** An elevator's maintenance plan (levels due, planned visits). */
export function useMaintenancePlan(id: string | undefined) {
  return useQuery({
    queryKey: ['plan', id],
    enabled: !!id,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/elevators/{id}/maintenance-plan', { params: { path: { id: id ?? '' } } }),
      ),
  });
}
