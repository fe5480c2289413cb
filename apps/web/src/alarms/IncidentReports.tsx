import { PhoneOutlined } from '@ant-design/icons';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { fmtDateTime } from '../ui/format';

type Report = Schemas['IncidentReportView'];

/**
 * What passengers and callers said: the category, their words and the number to call back — a tap
 * on the number calls it from a phone.
 */
export function IncidentReports({ reports }: { reports: readonly Report[] }) {
  const { t } = useTranslation();
  if (reports.length === 0) return null;
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }} data-testid="incident-reports">
      {reports.map((r, i) => (
        <div key={i} style={{ borderInlineStart: '3px solid #f5222d', paddingInlineStart: 8 }}>
          <Space wrap size={4}>
            <Tag color={r.kind === 'trapped' ? 'red' : 'orange'}>{t(`reportKind.${r.kind}`)}</Tag>
            <Typography.Text type="secondary">
              {t(`reportChannel.${r.channel}`)} · {fmtDateTime(r.at, true)}
            </Typography.Text>
          </Space>
          {r.text && <div style={{ fontSize: 15 }}>{r.text}</div>}
          {r.callbackPhone && (
            <a
              href={`tel:${r.callbackPhone}`}
              data-testid="callback-phone"
              style={{ display: 'inline-block', padding: '6px 0', fontSize: 16 }}
            >
              <PhoneOutlined /> {t('rescue.callBack')} {r.callbackPhone}
            </a>
          )}
        </div>
      ))}
    </Space>
  );
}
