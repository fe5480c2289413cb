import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { ClaimDrawer } from './ClaimDrawer';
import { Policies, Totals } from './InsuranceOverview';
import { LoadFailures } from '../ui/QueryState';

type Claim = Schemas['ClaimView'];

/**
 * The insurer's claims queue: each claim's stage and how long it has been there against the
 * stage's target, and a claim's detail with the evidence the elevator froze at filing (a chart of
 * the telemetry window, trapped time, maintenance chain, inspection) and the next stage's action.
 */
export default function ClaimsPage() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['claims'],
    queryFn: async () => unwrap(await api.GET('/api/v1/claims', { params: { query: { limit: 200 } } })),
  });
  const queue = (
    <Card size="small" title={t('claims.queue')} data-testid="claims-page">
      <LoadFailures queries={[list]} />
      <Table<Claim>
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, size: 'small' }}
        onRow={(c) =>
          ({
            onClick: () => setOpen(c.id),
            style: { cursor: 'pointer' },
            'data-claim': c.claimNumber,
          }) as object
        }
        columns={[
          { title: t('claims.number'), dataIndex: 'claimNumber' },
          { title: t('claims.stage'), render: (_, c) => <Tag>{t(`claimStatus.${c.status}`)}</Tag> },
          {
            title: t('claims.age'),
            render: (_, c) => (
              <Typography.Text type={c.slaOverdue ? 'danger' : undefined}>
                {t('claims.hours', { hours: c.ageHours })}
                {c.slaOverdue ? ` · ${t('claims.overdue')}` : ''}
              </Typography.Text>
            ),
          },
          ...(phone
            ? []
            : [
                {
                  title: t('claims.incident'),
                  render: (_: unknown, c: Claim) => t(`incident.${c.incidentType}`),
                },
                { title: t('claims.at'), render: (_: unknown, c: Claim) => fmtDateTime(c.incidentAt) },
              ]),
        ]}
      />
      <ClaimDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
  return (
    <Tabs
      items={[
        { key: 'queue', label: t('claims.queue'), children: queue },
        { key: 'policies', label: t('claims.policies'), children: <Policies /> },
        { key: 'totals', label: t('claims.totals'), children: <Totals /> },
      ]}
    />
  );
}
