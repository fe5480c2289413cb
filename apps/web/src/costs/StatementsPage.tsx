import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { currentLang } from '../i18n';
import { Chart } from '../ui/Chart';
import { QueryView } from '../ui/QueryState';
import { fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { MeterAnomalies } from './MeterAnomalies';

type Statement = Schemas['StatementDto'];
type Line = Statement['lines'][number];
type Allocation = Statement['allocations'][number];

/** What the caller pays of a statement: an owner's allocations are their own (the API sends no others). */
function mine(s: Statement): number {
  return s.allocations.reduce((sum, a) => sum + a.ownerFen, 0);
}

/**
 * The owners' month: every statement of their unit — what the elevator cost (electricity,
 * maintenance, insurance, inspection, repairs), how the total was split, what their flat owes —
 * a 12-month chart, and the statement as PDF or xlsx. An owner never sees another flat's share.
 */
export default function StatementsPage() {
  const { t } = useTranslation();
  const lang = currentLang();
  const list = useQuery({
    queryKey: ['statements', lang],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/statements', { params: { query: { limit: 24, lang } } })),
  });
  return (
    <QueryView query={list} isEmpty={(d) => d.items.length === 0} empty={t('statements.none')}>
      {(d) => <Statements items={d.items} lang={lang} />}
    </QueryView>
  );
}

function Statements({ items, lang }: { items: Statement[]; lang: string }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const user = useUser();
  const owner = user.role === 'owner';
  const [selected, setSelected] = useState<string | null>(null);
  const current = items.find((s) => s.id === selected) ?? items[0];
  const months = useMemo(() => [...items].slice(0, 12).reverse(), [items]);

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="statements-page">
      <MeterAnomalies />
      <Card size="small" title={t('statements.chart')}>
        <Chart
          testId="statements-chart"
          height={phone ? 200 : 240}
          option={{
            animation: false,
            tooltip: { trigger: 'axis' },
            legend: {
              top: 0,
              data: owner ? [t('statements.total'), t('statements.mine')] : [t('statements.total')],
            },
            grid: { left: 52, right: 12, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: months.map((s) => s.month) },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v}` } },
            series: [
              { name: t('statements.total'), type: 'bar', data: months.map((s) => s.totalFen / 100) },
              ...(owner
                ? [{ name: t('statements.mine'), type: 'line', data: months.map((s) => mine(s) / 100) }]
                : []),
            ],
          }}
        />
      </Card>
      <Card size="small" title={t('statements.list')}>
        <Table<Statement>
          size="small"
          rowKey="id"
          dataSource={items}
          pagination={{ pageSize: 12, size: 'small' }}

          onRow={(s) => ({ onClick: () => setSelected(s.id), style: { cursor: 'pointer' } })}
          rowClassName={(s) => (s.id === current?.id ? 'ant-table-row-selected' : '')}
          columns={[
            { title: t('statements.month'), dataIndex: 'month' },
            { title: t('statements.total'), align: 'right', render: (_, s) => fmtMoney(s.totalFen) },
            ...(owner
              ? [
                  {
                    title: t('statements.mine'),
                    align: 'right' as const,
                    render: (_: unknown, s: Statement) => <strong>{fmtMoney(mine(s))}</strong>,
                  },
                ]
              : []),
            ...(phone ? [] : [{ title: t('statements.dueOn'), dataIndex: 'dueOn' }]),
          ]}
        />
      </Card>
      {current && (
        <Card
          size="small"
          data-testid="statement-detail"
          title={`${current.month} · ${current.statementNumber}`}
          extra={
            <Space>
              <Button
                size="small"
                icon={<DownloadOutlined />}
                data-testid="statement-pdf"
                onClick={() =>
                  void download(
                    `/api/v1/statements/${current.id}/pdf?lang=${lang}`,
                    `${current.statementNumber}.pdf`,
                  )
                }
              >
                PDF
              </Button>
              <Button
                size="small"
                icon={<DownloadOutlined />}
                onClick={() =>
                  void download(
                    `/api/v1/statements/${current.id}/xlsx?lang=${lang}`,
                    `${current.statementNumber}.xlsx`,
                  )
                }
              >
                xlsx
              </Button>
            </Space>
          }
        >
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            <Descriptions size="small" column={phone ? 1 : 2}>
              <Descriptions.Item label={t('statements.place')}>{current.place}</Descriptions.Item>
              <Descriptions.Item label={t('statements.model')}>
                {current.operatingModelText}
              </Descriptions.Item>
              <Descriptions.Item label={t('statements.payee')}>{current.payee}</Descriptions.Item>
              <Descriptions.Item label={t('statements.dueOn')}>{current.dueOn}</Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="lineKey"
              pagination={false}
              dataSource={current.lines}
              columns={[
                ...(phone
                  ? [
                      {
                        title: t('statements.what'),
                        render: (_: unknown, l: Line) => (
                          <Space direction="vertical" size={0}>
                            <strong>{l.label}</strong>
                            <Typography.Text type="secondary" style={{ fontSize: '0.875em' }}>
                              {l.text}
                            </Typography.Text>
                          </Space>
                        ),
                      },
                    ]
                  : [
                      { title: t('statements.category'), dataIndex: 'label', width: 110 },
                      { title: t('statements.what'), dataIndex: 'text' },
                    ]),
                {
                  title: t('statements.amount'),
                  align: 'right' as const,
                  width: 100,
                  render: (_: unknown, l: Line) => fmtMoney(l.amountFen),
                },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={phone ? 1 : 2}>
                    <strong>{t('statements.total')}</strong>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <strong data-testid="statement-total">{fmtMoney(current.totalFen)}</strong>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
            <Alert type="info" showIcon message={t('statements.scheme')} description={current.schemeText} />
            <Table
              size="small"
              rowKey={(a) => `${a.flatId}:${a.ownerId}:${a.periodFrom}`}
              pagination={false}
              dataSource={current.allocations}

              data-testid="statement-allocations"
              columns={[
                { title: t('statements.flat'), dataIndex: 'flatNumber', width: 64 },
                ...(phone ? [] : [{ title: t('statements.owner'), dataIndex: 'ownerName' }]),
                {
                  title: t('statements.period'),
                  render: (_: unknown, a: Allocation) => `${a.periodFrom.slice(5)} ~ ${a.periodTo.slice(5)}`,
                },
                ...(phone
                  ? []
                  : [
                      {
                        title: t('statements.flatShare'),
                        align: 'right' as const,
                        render: (_: unknown, a: Allocation) => fmtMoney(a.flatFen),
                      },
                    ]),
                {
                  title: t('statements.pays'),
                  align: 'right' as const,
                  render: (_: unknown, a: Allocation) => <strong>{fmtMoney(a.ownerFen)}</strong>,
                },
              ]}
            />
            {current.allocations.some((a) => a.workingText) && (
              <div data-testid="statement-working">
                <Typography.Text strong>{t('statements.working')}</Typography.Text>
                {current.allocations
                  .filter((a) => a.workingText)
                  .map((a) => (
                    <Typography.Paragraph
                      key={`${a.flatId}:${a.ownerId}:${a.periodFrom}`}
                      style={{ margin: '4px 0', fontSize: '0.93em' }}
                    >
                      <Typography.Text strong>{a.flatNumber}</Typography.Text> {a.workingText}
                    </Typography.Paragraph>
                  ))}
              </div>
            )}
            {owner && <Typography.Text type="secondary">{t('statements.onlyMine')}</Typography.Text>}
          </Space>
        </Card>
      )}
    </Space>
  );
}
