import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { useLive } from '../api/live';

export type Alarm = Schemas['AlarmView'];
export type AlarmDetail = Schemas['AlarmDetail'];
export type AlarmAction = 'acknowledge' | 'dispatch' | 'on-site' | 'resolve' | 'false-alarm';

export interface AlarmFilter {
  status?: 'open' | 'closed';
  type?: string;
  from?: string;
  to?: string;
  elevatorId?: string;
}

/** Alarm lists and counts refresh when an `alarm` event arrives over socket.io. */
export function useAlarmEvents(): void {
  const live = useLive();
  const qc = useQueryClient();
  useEffect(
    () =>
      live.onAlarm((a) => {
        void qc.invalidateQueries({ queryKey: ['alarms'] });
        void qc.invalidateQueries({ queryKey: ['work-orders'] });
        qc.setQueryData<AlarmDetail>(['alarm', a.id], (d) =>
          d ? { ...d, ...a, registrationCode: d.registrationCode, place: d.place } : d,
        );
        void qc.invalidateQueries({ queryKey: ['alarm', a.id] });
      }),
    [live, qc],
  );
}

export function useAlarms(filter: AlarmFilter, page: { limit: number; offset: number }) {
  useAlarmEvents();
  return useQuery({
    queryKey: ['alarms', 'list', filter, page],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/alarms', { params: { query: { ...filter, ...page } } })),
    placeholderData: (prev) => prev,
  });
}

export function useAlarmCounts(filter: AlarmFilter) {
  return useQuery({
    queryKey: ['alarms', 'counts', { ...filter, type: undefined }],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/alarms/counts', { params: { query: { ...filter, type: undefined } } })),
  });
}

export function useAlarm(id: string | null) {
  return useQuery({
    queryKey: ['alarm', id],
    enabled: id !== null,
    queryFn: async () => unwrap(await api.GET('/api/v1/alarms/{id}', { params: { path: { id: id ?? '' } } })),
  });
}

/** A step of the alarm's handling; the answer (with the new timeline) replaces the cached alarm. */
export function useAlarmAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: {
      id: string;
      action: AlarmAction;
      note?: string;
      technicianId?: string;
      releaseMethod?: Schemas['AlarmActionDto']['releaseMethod'];
    }) =>
      unwrap(
        await api.POST('/api/v1/alarms/{id}/{action}', {
          params: { path: { id: v.id, action: v.action } },
          body: {
            ...(v.note ? { note: v.note } : {}),
            ...(v.technicianId ? { technicianId: v.technicianId } : {}),
            ...(v.releaseMethod ? { releaseMethod: v.releaseMethod } : {}),
          },
        }),
      ),
    onSuccess: (d) => {
      qc.setQueryData(['alarm', d.id], d);
      void qc.invalidateQueries({ queryKey: ['alarms'] });
      void qc.invalidateQueries({ queryKey: ['work-orders'] });
    },
  });
}

export function useCheckIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id: string; note?: string; registrationCode: string }) =>
      unwrap(
        await api.POST('/api/v1/alarms/{id}/check-in', {
          params: { path: { id: v.id } },
          body: { note: v.note, registrationCode: v.registrationCode },
        }),
      ),
    onSuccess: (d) => {
      qc.setQueryData(['alarm', d.id], d);
      void qc.invalidateQueries({ queryKey: ['alarms'] });
      void qc.invalidateQueries({ queryKey: ['work-orders'] });
    },
  });
}

export function useBackdatedArrival() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id: string; at: string; reason: string }) =>
      unwrap(
        await api.POST('/api/v1/alarms/{id}/arrival', {
          params: { path: { id: v.id } },
          body: { at: v.at, reason: v.reason },
        }),
      ),
    onSuccess: (d) => {
      qc.setQueryData(['alarm', d.id], d);
      void qc.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}

/** Statuses a responder can still act on. */
export function isOpen(a: { status: string }): boolean {
  return a.status !== 'resolved' && a.status !== 'false_alarm';
}
