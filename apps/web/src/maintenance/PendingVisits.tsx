import { CloudUploadOutlined, DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, List, Popconfirm, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../ui/format';
import { discardVisit, flushOutbox, usePendingVisits } from './visitOutbox';

/**
 * Visit records kept on this phone because they could not be sent yet (or were refused): never
 * dropped silently. Waiting ones are retried automatically; refused ones say why.
 */
export function PendingVisits() {
  const { t } = useTranslation();
  const pending = usePendingVisits();
  if (pending.length === 0) return null;
  return (
    <Alert
      type={pending.some((v) => v.state === 'refused') ? 'error' : 'warning'}
      showIcon
      data-testid="pending-visits"
      message={t('visit.pending', { count: pending.length })}
      description={
        <List
          size="small"
          dataSource={pending}
          renderItem={(v) => (
            <List.Item
              style={{ display: 'block', paddingInline: 0 }}
              data-testid="pending-visit"
              data-state={v.state}
            >
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                <Typography.Text strong style={{ wordBreak: 'break-all' }}>
                  {v.registrationCode} · {t(`level.${v.body.level ?? 'half_month'}`)} ·{' '}
                  {fmtDateTime(v.createdAt)}
                </Typography.Text>
                <Typography.Text type={v.state === 'refused' ? 'danger' : 'secondary'}>
                  {v.state === 'refused'
                    ? t('visit.refused', { error: v.lastError ?? '' })
                    : t('visit.waiting', { attempts: v.attempts })}
                </Typography.Text>
                <Space>
                  {v.state === 'waiting' && (
                    <Button size="small" icon={<CloudUploadOutlined />} onClick={() => void flushOutbox()}>
                      {t('visit.retry')}
                    </Button>
                  )}
                  <Popconfirm
                    title={t('visit.discardConfirm')}
                    onConfirm={() => void discardVisit(v.clientRef)}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />}>
                      {t('visit.discard')}
                    </Button>
                  </Popconfirm>
                </Space>
              </Space>
            </List.Item>
          )}
        />
      }
    />
  );
}
