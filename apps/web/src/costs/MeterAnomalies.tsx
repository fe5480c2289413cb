import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { fmtDateTime } from '../ui/format';

type Anomaly = Schemas['MeterAnomalyView'];

const KIND_COLOR: Record<string, string> = {
  spike: 'red',
  outlier: 'default',
  reset: 'blue',
  rollover: 'blue',
  replacement: 'purple',
};

/** Odd meter readings of the elevators the user sees, open spikes first. */
export function useMeterAnomalies(elevatorId?: string) {
  return useQuery({
    queryKey: ['meter-anomalies', elevatorId ?? 'all'],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/meter-anomalies', {
          params: { query: { limit: 100, ...(elevatorId ? { elevatorId } : {}) } },
        }),
      ),
  });
}

/**
 * 电表异常: readings the energy rule would not count on its own. A spike (an increase the elevator's
 * rated power could not draw) counts nothing on any bill until the owners' agent or the firm looks
 * at the readings around it and accepts it with a reason or enters the reading it should have been.
 * Resets, rollovers, replacements and one-off glitches were handled by the rule and are listed.
 */
export function MeterAnomalies({ elevatorId }: { elevatorId?: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const list = useMeterAnomalies(elevatorId);
  const [open, setOpen] = useState<Anomaly | null>(null);
  const decider = user.role === 'agent' || user.role === 'firm' || user.role === 'admin';
  const items = list.data?.items ?? [];
  if (list.isError)
    return (
      <Alert
        type="error"
        showIcon
        message={t('meter.loadFailed')}
        action={<Button onClick={() => void list.refetch()}>{t('jobs.retry')}</Button>}
      />
    );
  if (!list.isLoading && items.length === 0) return null;
  const waiting = items.filter((a) => a.status === 'open').length;
  return (
    <Card size="small" title={t('meter.title')} data-testid="meter-anomalies" loading={list.isLoading}>
      {waiting > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          message={t('meter.waiting', { n: waiting })}
        />
      )}
      <List
        size="small"
        dataSource={items}
        renderItem={(a) => (
          <List.Item
            data-testid="meter-anomaly"
            data-status={a.status}
            actions={[
              <Button
                key="see"
                type={a.status === 'open' && decider ? 'primary' : 'link'}
                onClick={() => setOpen(a)}
              >
                {a.status === 'open' && decider ? t('meter.decide') : t('meter.see')}
              </Button>,
            ]}
          >
            <Space direction="vertical" size={0}>
              <Space wrap size={4}>
                <Tag color={KIND_COLOR[a.kind] ?? 'default'}>{t(`meter.kind.${a.kind}`)}</Tag>
                <Tag color={a.status === 'open' ? 'orange' : 'default'}>{t(`meter.status.${a.status}`)}</Tag>
                <Typography.Text>{fmtDateTime(a.readingTs)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">
                {a.place} ·{' '}
                {t('meter.step', {
                  prev: a.prevKwh ?? '—',
                  kwh: a.kwh,
                  delta: a.deltaKwh ?? '—',
                  max: a.maxPlausibleKwh,
                })}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      {open && <AnomalyModal anomaly={open} decider={decider} onClose={() => setOpen(null)} />}
    </Card>
  );
}

function AnomalyModal({
  anomaly,
  decider,
  onClose,
}: {
  anomaly: Anomaly;
  decider: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const detail = useQuery({
    queryKey: ['meter-anomaly', anomaly.id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/meter-anomalies/{id}', { params: { path: { id: anomaly.id } } })),
  });
  const [form] = Form.useForm<{
    action: 'accept' | 'correct';
    correctedReadingKwh?: number;
    reason: string;
  }>();
  const action = Form.useWatch('action', form);
  const resolve = useMutation({
    mutationFn: async (body: Schemas['ResolveMeterAnomalyDto']) =>
      unwrap(
        await api.POST('/api/v1/meter-anomalies/{id}/resolve', {
          params: { path: { id: anomaly.id } },
          body,
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['meter-anomalies'] });
      void qc.invalidateQueries({ queryKey: ['statements'] });
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.fields.length)
        form.setFields(e.fields.map((f) => ({ name: f.field as 'reason', errors: f.messages })));
      else
        form.setFields([
          { name: 'reason', errors: [e instanceof ApiError ? e.message : t('error.generic')] },
        ]);
    },
  });
  const a = detail.data ?? anomaly;
  const canDecide = decider && a.status === 'open';
  return (
    <Modal
      open
      title={t(`meter.kind.${a.kind}`)}
      onCancel={onClose}
      okText={t('meter.save')}
      okButtonProps={{ style: canDecide ? undefined : { display: 'none' } }}
      confirmLoading={resolve.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t(`meter.explain.${a.kind}`, { max: a.maxPlausibleKwh })}</Typography.Text>
        <Table
          size="small"
          rowKey="ts"
          pagination={false}
          loading={detail.isLoading}
          dataSource={detail.data?.around ?? []}
          rowClassName={(r) => (r.ts === a.readingTs ? 'lw-row-odd' : '')}
          columns={[
            { title: t('meter.time'), render: (_, r) => fmtDateTime(r.ts) },
            {
              title: t('meter.reading'),
              render: (_, r) =>
                r.ts === a.readingTs ? (
                  <Typography.Text strong type="danger">
                    {r.kwh}
                  </Typography.Text>
                ) : (
                  r.kwh
                ),
            },
            { title: t('meter.meterId'), dataIndex: 'meterId', ellipsis: true },
          ]}
        />
        {a.status !== 'open' && a.reason && (
          <Alert
            type="info"
            message={t('meter.decided', {
              who: a.resolvedBy ?? '—',
              at: fmtDateTime(a.resolvedAt),
              counted: a.countedKwh ?? 0,
            })}
            description={a.reason}
          />
        )}
        {canDecide && (
          <Form
            form={form}
            layout="vertical"
            initialValues={{ action: 'correct' }}
            onFinish={(v) =>
              resolve.mutate({
                action: v.action,
                reason: v.reason,
                ...(v.action === 'correct' ? { correctedReadingKwh: v.correctedReadingKwh } : {}),
              })
            }
          >
            <Form.Item name="action" label={t('meter.decision')}>
              <Radio.Group
                options={[
                  { value: 'correct', label: t('meter.correct') },
                  { value: 'accept', label: t('meter.accept', { delta: a.deltaKwh ?? '—' }) },
                ]}
              />
            </Form.Item>
            {action === 'correct' && (
              <Form.Item
                name="correctedReadingKwh"
                label={t('meter.correctedReading')}
                rules={[{ required: true, message: t('meter.correctedNeeded') }]}
              >
                <InputNumber min={0} step={0.1} style={{ width: '100%' }} addonAfter="kWh" />
              </Form.Item>
            )}
            <Form.Item
              name="reason"
              label={t('meter.reason')}
              rules={[{ required: true, min: 4, message: t('meter.reasonNeeded') }]}
            >
              <Input.TextArea rows={2} maxLength={1000} placeholder={t('meter.reasonPlaceholder')} />
            </Form.Item>
          </Form>
        )}
      </Space>
    </Modal>
  );
}
