import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Drawer, Space, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { currentLang } from '../i18n';
import { fmtDateTime, fmtMoney } from '../ui/format';
import { IotTag } from '../ui/IotTag';
import { useIsPhone } from '../ui/useIsPhone';

const RESULT_COLOR: Record<string, string> = {
  ok: 'green',
  adjusted: 'blue',
  replaced: 'purple',
  defect: 'red',
  not_applicable: 'default',
};

/**
 * One maintenance record as it was signed: the visit, the technicians and their certificates, every
 * checklist item with its result, parts, whether the elevator's own data confirms the visit, the
 * owners' countersignature, and its place in the elevator's hash chain.
 */
export function RecordDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const phone = useIsPhone();
  const record = useQuery({
    queryKey: ['record', id],
    enabled: id !== null,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/maintenance/records/{id}', { params: { path: { id: id ?? '' } } })),
  });
  const checklist = useQuery({
    queryKey: ['checklist'],
    enabled: id !== null,
    staleTime: 3_600_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/maintenance/checklist', { params: { query: { limit: 500 } } })),
  });
  const titles = useMemo(
    () => new Map((checklist.data?.items ?? []).map((i) => [i.code, lang === 'en' ? i.titleEn : i.titleZh])),
    [checklist.data, lang],
  );
  const r = record.data;
  const snap = (k: string): string =>
    r && typeof r.elevatorSnapshot[k] === 'string' ? r.elevatorSnapshot[k] : '';
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={phone ? '100%' : 640}
      loading={record.isLoading}
      destroyOnHidden
      title={
        r
          ? `${r.level ? t(`level.${r.level}`) : t(`recordKind.${r.kind}`)} · ${fmtDateTime(r.arrivedAt)}`
          : t('record.title')
      }
    >
      {record.isError && <Alert type="error" showIcon message={t('record.notFound')} />}
      {r && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="record-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('alarms.place')}>
              {[snap('community'), snap('building'), snap('unit')].filter(Boolean).join(' ')} ·{' '}
              {snap('registrationCode')}
            </Descriptions.Item>
            <Descriptions.Item label={t('record.onSite')}>
              {fmtDateTime(r.arrivedAt)} ~ {fmtDateTime(r.departedAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('record.firm')}>{snap('firm') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('elevator.technicians')}>
              {r.technicians.map((x) => `${x.name}（${x.certificateNumber}）`).join('、')}
            </Descriptions.Item>
            <Descriptions.Item label={t('elevator.iot')}>
              <Space direction="vertical" size={0}>
                <IotTag iot={r.iot} />
                <Typography.Text type="secondary">
                  {t('iot.samples', { total: r.iot.samplesOnSite, insp: r.iot.inspectionModeSamples })}
                </Typography.Text>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('elevator.countersigned')}>
              {r.countersignature
                ? `${r.countersignature.signerName}（${r.countersignature.signerTitle}） ${fmtDateTime(r.countersignature.signedAt)}${
                    r.countersignature.comment ? ` · ${r.countersignature.comment}` : ''
                  }`
                : t('record.notCountersigned')}
            </Descriptions.Item>
            {r.remarks && <Descriptions.Item label={t('record.remarks')}>{r.remarks}</Descriptions.Item>}
            {r.correctedById && (
              <Descriptions.Item label={t('record.corrected')}>
                <Tag color="orange">{t('record.correctedBy')}</Tag>
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('record.items', { n: r.items.length })}
          </Typography.Title>
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={r.items}
            scroll={{ y: 320 }}
            columns={[
              { title: t('record.code'), dataIndex: 'code', width: 70 },
              { title: t('record.item'), render: (_, i) => titles.get(i.code) ?? i.code },
              {
                title: t('record.result'),
                width: 100,
                render: (_, i) => <Tag color={RESULT_COLOR[i.result]}>{t(`itemResult.${i.result}`)}</Tag>,
              },
              { title: t('record.note'), render: (_, i) => i.note ?? '' },
            ]}
          />
          {r.parts.length > 0 && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('record.parts')}
              </Typography.Title>
              {r.parts.map((p, n) => (
                <div key={n}>
                  {p.name} × {p.quantity}
                  {p.costFen !== undefined ? ` · ${fmtMoney(p.costFen)}` : ''}
                </div>
              ))}
            </>
          )}
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('record.seq')}>{r.seq}</Descriptions.Item>
            <Descriptions.Item label={t('record.hash')}>
              <Typography.Text code copyable={{ text: r.hash }}>
                {r.hash.slice(0, 16)}…
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('record.prevHash')}>
              {r.prevHash ? <Typography.Text code>{r.prevHash.slice(0, 16)}…</Typography.Text> : '—'}
            </Descriptions.Item>
          </Descriptions>
        </Space>
      )}
    </Drawer>
  );
}
