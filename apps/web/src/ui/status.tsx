import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';

export type FleetStatus = Schemas['FleetItem']['status'];

/** Colours of the fleet statuses, most urgent first (the order the server sorts by). */
export const STATUS_COLOR: Record<FleetStatus, string> = {
  trapped: '#f5222d',
  offline: '#8c8c8c',
  fault: '#fa8c16',
  inspection: '#722ed1',
  out_of_service: '#faad14',
  running: '#1456f0',
  idle: '#52c41a',
};

export const FLEET_STATUSES = Object.keys(STATUS_COLOR) as FleetStatus[];

export function StatusTag({ status }: { status: FleetStatus | null | undefined }) {
  const { t } = useTranslation();
  if (!status) return <Tag>—</Tag>;
  return (
    <Tag color={STATUS_COLOR[status]} style={{ marginInlineEnd: 0 }} data-status={status}>
      {t(`status.${status}`)}
    </Tag>
  );
}

export function directionArrow(direction: number | null | undefined): string {
  return direction === 1 ? '↑' : direction === 2 ? '↓' : '';
}
