import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';

export type FleetStatus = Schemas['FleetItem']['status'];

/**
 * Colours of the fleet statuses, most urgent first (the order the server sorts by). Dark enough
 * for white text on them (WCAG AA, 4.5:1): the tags are read by elderly owners on phones.
 */
export const STATUS_COLOR: Record<FleetStatus, string> = {
  trapped: '#cf1322',
  offline: '#595959',
  fault: '#ad4e00',
  inspection: '#531dab',
  out_of_service: '#874d00',
  running: '#1456f0',
  idle: '#237804',
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
