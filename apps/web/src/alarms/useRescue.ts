import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { useAlarmEvents } from './useAlarms';

export type TechnicianCandidate = Schemas['TechnicianCandidate'];
export type WorkOrder = Schemas['WorkOrderView'];
export type EscalationContact = Schemas['EscalationContactView'];
export type ReleaseMethod = 'technician' | 'firefighters' | 'self_released' | 'false_report';
export const RELEASE_METHODS: ReleaseMethod[] = [
  'technician',
  'firefighters',
  'self_released',
  'false_report',
];

/** Query keys of the rescue screens, in one place. */
export const rescueKeys = {
  openEntrapments: ['alarms', 'entrapments', 'open'] as const,
  technicians: (alarmId: string) => ['alarms', 'technicians', alarmId] as const,
  workOrders: ['work-orders'] as const,
  contacts: ['escalation-contacts'] as const,
};

/**
 * Every entrapment not yet closed in the user's fleet, kept current by alarm events. The popup, the
 * menu badge and the alarm list's pinning read this one query.
 */
export function useOpenEntrapments(enabled = true) {
  useAlarmEvents();
  return useQuery({
    queryKey: rescueKeys.openEntrapments,
    enabled,
    refetchInterval: 30_000,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/alarms', {
          params: { query: { status: 'open', type: 'entrapment', limit: 100 } },
        }),
      ).items,
  });
}

export function useTechnicians(alarmId: string | null) {
  return useQuery({
    queryKey: rescueKeys.technicians(alarmId ?? ''),
    enabled: alarmId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/alarms/{id}/technicians', {
          params: { path: { id: alarmId ?? '' }, query: { limit: 100 } },
        }),
      ).items,
  });
}

/** A call the dispatcher took: it opens (or joins) the car's entrapment from the time of the call. */
export function useRecordCall() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['RecordCallDto']) =>
      unwrap(await api.POST('/api/v1/alarms/calls', { body })),
    onSuccess: (d) => {
      qc.setQueryData(['alarm', d.id], d);
      void qc.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}

/** The technician's jobs (a firm: its technicians'), refreshed by alarm events. */
export function useWorkOrders(enabled = true) {
  useAlarmEvents();
  return useQuery({
    queryKey: rescueKeys.workOrders,
    enabled,
    refetchInterval: 20_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/work-orders', { params: { query: { limit: 100 } } })).items,
  });
}

/** 接单 (accept) or 出发 (depart). */
export function useWorkOrderStep() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id: string; step: 'accept' | 'depart' }) =>
      unwrap(
        await api.POST('/api/v1/work-orders/{id}/{step}', { params: { path: { id: v.id, step: v.step } } }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: rescueKeys.workOrders });
      void qc.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}

export function useEscalationContacts(enabled: boolean) {
  return useQuery({
    queryKey: rescueKeys.contacts,
    enabled,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/escalation-contacts', { params: { query: { limit: 200 } } })).items,
  });
}

export function useEscalationContactChange() {
  const qc = useQueryClient();
  const done = (): void => void qc.invalidateQueries({ queryKey: rescueKeys.contacts });
  const add = useMutation({
    mutationFn: async (body: Schemas['CreateEscalationContactDto']) =>
      unwrap(await api.POST('/api/v1/escalation-contacts', { body })),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: async (id: string) => {
      const r = await api.DELETE('/api/v1/escalation-contacts/{id}', { params: { path: { id } } });
      if (!r.response.ok) unwrap({ error: r.error ?? {}, response: r.response });
    },
    onSuccess: done,
  });
  return { add, remove };
}
