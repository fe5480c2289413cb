import { Card, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { SignaturePad } from '../ui/SignaturePad';

export interface Countersign {
  signerName: string;
  signerTitle: string;
  signature: Blob | null;
}
const TITLES = ['业主安全管理员', '使用单位安全管理员', '业主代表'];

/**
 * The owners' (or 使用单位's) countersignature at the car, on the technician's phone: their name,
 * role and a signature drawn on the screen. Optional: without it the record says the owners have
 * not confirmed, and they may countersign later from their own account.
 */
export function VisitCountersign({
  value,
  onChange,
}: {
  value: Countersign;
  onChange: (v: Countersign) => void;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('visit.countersign')} data-testid="visit-countersign">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('visit.countersignHint')}</Typography.Text>
        <Input
          addonBefore={t('visit.signerName')}
          value={value.signerName}
          maxLength={50}
          onChange={(e) => onChange({ ...value, signerName: e.target.value })}
          data-testid="visit-signer-name"
        />
        <Select
          value={value.signerTitle}
          onChange={(signerTitle: string) => onChange({ ...value, signerTitle })}
          options={TITLES.map((x) => ({ value: x, label: x }))}
          style={{ width: '100%' }}
        />
        <SignaturePad testId="visit-signature" onChange={(signature) => onChange({ ...value, signature })} />
      </Space>
    </Card>
  );
}
