import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';

/**
 * Whether the elevator's own data confirms a maintenance visit: inspection mode reported while the
 * technicians were on site (verified), data without it (unverified), or no data at all.
 */
export function IotTag({ iot }: { iot: Schemas['RecordView']['iot'] }) {
  const { t } = useTranslation();
  const noData = iot.status !== 'verified' && iot.samplesOnSite === 0;
  const key = iot.status === 'verified' ? 'verified' : noData ? 'noData' : 'unverified';
  return (
    <Tooltip title={t('iot.samples', { total: iot.samplesOnSite, insp: iot.inspectionModeSamples })}>
      <Tag color={key === 'verified' ? 'green' : key === 'noData' ? 'default' : 'orange'} data-iot={key}>
        {t(`iot.${key}`)}
      </Tag>
    </Tooltip>
  );
}
