import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { fmtDate } from '../ui/format';
import { Chart } from '../ui/Chart';
import { fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';

/** The insurer's policies: number, policyholder, period, premium and status. */
export function Policies() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [page, setPage] = useState(1);
  const policies = useQuery({
    queryKey: ['policies', page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/insurance/policies', {
          params: { query: { limit: 20, offset: (page - 1) * 20 } },
        }),
      ),
  });
  return (
    <Card size="small" data-testid="policies">
      <Table<Schemas['PolicyView']>
        size="small"
        rowKey="id"
        loading={policies.isLoading}
        dataSource={policies.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: 20,
          total: policies.data?.total ?? 0,
          onChange: setPage,
          size: 'small',
        }}
        columns={[
          { title: t('claims.policy'), dataIndex: 'policyNumber' },
          { title: t('claims.policyholder'), dataIndex: 'policyholderName' },
          {
            title: t('claims.period'),
            render: (_, p) => `${fmtDate(p.startsOn)} – ${fmtDate(p.endsOn)}`,
          },
          ...(phone
            ? []
            : [
                {
                  title: t('claims.elevators'),
                  render: (_: unknown, p: Schemas['PolicyView']) => p.elevatorIds.length,
                },
                {
                  title: t('claims.premium'),
                  align: 'right' as const,
                  render: (_: unknown, p: Schemas['PolicyView']) => fmtMoney(p.premiumFen),
                },
              ]),
          {
            title: t('claims.policyStatus'),
            render: (_, p) => (
              <Tag color={p.status === 'active' ? 'green' : 'default'}>{t(`policyStatus.${p.status}`)}</Tag>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Claims per month of filing over the last year: filed, open, rejected, paid, assessed and paid amounts. */
export function Totals() {
  const { t } = useTranslation();
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const totals = useQuery({
    queryKey: ['claim-totals'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/reports/claim-totals', { params: { query: { from } } })),
  });
  const rows = totals.data ?? [];
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="claim-totals">
      <Card size="small" title={t('claims.totals')}>
        <Chart
          testId="claim-totals-chart"
          height={220}
          option={{
            animation: false,
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: [t('claims.filed'), t('claims.paidFen')] },
            grid: { left: 48, right: 48, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: rows.map((r) => r.period) },
            yAxis: [
              { type: 'value', minInterval: 1 },
              { type: 'value', axisLabel: { formatter: (v: number) => `¥${v}` } },
            ],
            series: [
              { name: t('claims.filed'), type: 'bar', data: rows.map((r) => r.filed) },
              {
                name: t('claims.paidFen'),
                type: 'line',
                yAxisIndex: 1,
                data: rows.map((r) => r.paidFen / 100),
              },
            ],
          }}
        />
      </Card>
      <Card size="small">
        <Table<Schemas['ClaimTotals']>
          size="small"
          rowKey="period"
          loading={totals.isLoading}
          dataSource={[...rows].reverse()}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('statements.month'), dataIndex: 'period' },
            { title: t('claims.filed'), dataIndex: 'filed', align: 'right' },
            { title: t('claims.open'), dataIndex: 'open', align: 'right' },
            { title: t('claims.rejected'), dataIndex: 'rejected', align: 'right' },
            { title: t('claims.paid'), dataIndex: 'paid', align: 'right' },
            {
              title: t('claims.assessedFen'),
              dataIndex: 'assessedFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
            {
              title: t('claims.paidFen'),
              dataIndex: 'paidFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
