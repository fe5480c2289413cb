import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Col, Dropdown, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, download, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { currentLang } from '../i18n';
import { Chart } from '../ui/Chart';
import { fmtDateTime, fmtDuration } from '../ui/format';
import { Loading } from '../ui/Loading';
import { LoadFailures } from '../ui/QueryState';

type Overdue = Schemas['OverdueReport'];

/**
 * The regulator's desk: overdue and failed inspections, overdue maintenance and elevators with no
 * contract in its region and below, counts per firm, rescue performance and fault rates per maker
 * and model — each row leading to the elevator, the lists exportable as Excel or CSV.
 */
export default function OversightPage() {
  const { t } = useTranslation();
  const lang = currentLang();
  const user = useUser();
  const { message } = App.useApp();
  const overdue = useQuery({
    queryKey: ['overdue'],
    queryFn: async () => unwrap(await api.GET('/api/v1/oversight/overdue')),
  });
  const from = useMemo(() => dayjs().subtract(90, 'day').toISOString(), []);
  const rescue = useQuery({
    queryKey: ['rescue', from],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/reports/rescue-performance', { params: { query: { from } } })),
  });
  const faults = useQuery({
    queryKey: ['faults'],
    queryFn: async () => unwrap(await api.GET('/api/v1/reports/fault-rates')),
  });
  const regionCode = overdue.data?.regionCode ?? user.regionCode ?? null;
  const region = useQuery({
    queryKey: ['region', regionCode],
    enabled: regionCode !== null,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/regions/{code}', { params: { path: { code: regionCode ?? '' } } })),
  });
  const regionName = region.data
    ? currentLang() === 'en'
      ? (region.data.nameEn ?? region.data.name)
      : region.data.name
    : regionCode;
  if (overdue.isLoading) return <Loading />;
  const r: Overdue | undefined = overdue.data;
  const exportAs = (format: 'xlsx' | 'csv'): void => {
    download(`/api/v1/oversight/overdue.${format}`, `overdue.${format}`).catch(
      () => void message.error(t('error.generic')),
    );
  };
  const place = (x: { elevatorId: string; community: string; building: string; unit: string }) => (
    <Link to={`/elevators/${x.elevatorId}`}>
      {x.community} {x.building} {x.unit}
    </Link>
  );
  const share = rescue.data?.withinLimitShare;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <LoadFailures queries={[overdue, rescue, faults, region]} />
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('oversight.elevators', { region: regionName ?? '' })}
              value={r?.elevators ?? 0}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('oversight.overdueInspections')}
              value={r?.inspections.length ?? 0}
              valueStyle={{ color: r?.inspections.length ? '#f5222d' : undefined }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('oversight.overdueMaintenance')}
              value={r?.maintenance.length ?? 0}
              valueStyle={{ color: r?.maintenance.length ? '#fa8c16' : undefined }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('oversight.rescueWithin')}
              value={share === null || share === undefined ? '—' : Math.round(share * 1000) / 10}
              suffix={share === null || share === undefined ? '' : '%'}
            />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('oversight.overdue')}
        extra={
          <Dropdown
            menu={{
              items: [
                { key: 'xlsx', label: t('oversight.exportXlsx'), onClick: () => exportAs('xlsx') },
                { key: 'csv', label: t('oversight.exportCsv'), onClick: () => exportAs('csv') },
              ],
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="export">
              {t('oversight.export')}
            </Button>
          </Dropdown>
        }
      >
        <Tabs
          items={[
            {
              key: 'inspections',
              label: `${t('oversight.inspections')} (${r?.inspections.length ?? 0})`,
              children: (
                <Table
                  size="small"
                  rowKey="elevatorId"
                  dataSource={r?.inspections ?? []}
                  pagination={{ pageSize: 10, size: 'small' }}
                  scroll={{ x: 720 }}
                  data-testid="overdue-inspections"
                  columns={[
                    {
                      title: t('alarms.code'),
                      dataIndex: 'registrationCode',
                      render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
                    },
                    { title: t('alarms.place'), render: (_, x) => place(x) },
                    {
                      title: t('oversight.state'),
                      render: (_, x) => <Tag color="red">{t(`inspectionState.${x.state}`)}</Tag>,
                    },
                    {
                      title: t('oversight.kind'),
                      render: (_, x) => (x.kind ? t(`obligation.${x.kind}`) : '—'),
                    },
                    { title: t('oversight.dueMonth'), dataIndex: 'dueMonth' },
                    { title: t('elevator.firm'), render: (_, x) => x.firmName ?? '—' },
                  ]}
                />
              ),
            },
            {
              key: 'maintenance',
              label: `${t('oversight.maintenance')} (${r?.maintenance.length ?? 0})`,
              children: (
                <Table
                  size="small"
                  rowKey="elevatorId"
                  dataSource={r?.maintenance ?? []}
                  pagination={{ pageSize: 10, size: 'small' }}
                  scroll={{ x: 720 }}
                  columns={[
                    {
                      title: t('alarms.code'),
                      dataIndex: 'registrationCode',
                      render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
                    },
                    { title: t('alarms.place'), render: (_, x) => place(x) },
                    {
                      title: t('oversight.reason'),
                      render: (_, x) => (
                        <Tag color={x.reason === 'no_contract' ? 'red' : 'orange'}>
                          {t(`overdueReason.${x.reason}`)}
                        </Tag>
                      ),
                    },
                    {
                      title: t('plan.due'),
                      render: (_, x) => x.overdueLevels.map((l) => t(`level.${l}`)).join('、') || '—',
                    },
                    {
                      title: t('oversight.daysOverdue'),
                      dataIndex: 'daysOverdue',
                      render: (v: number | null) => v ?? '—',
                    },
                    { title: t('elevator.firm'), render: (_, x) => x.firmName ?? '—' },
                  ]}
                />
              ),
            },
            {
              key: 'firms',
              label: t('oversight.perFirm'),
              children: (
                <Table
                  size="small"
                  rowKey={(f) => f.firmId ?? 'none'}
                  dataSource={r?.perFirm ?? []}
                  pagination={false}
                  columns={[
                    { title: t('elevator.firm'), dataIndex: 'firmName' },
                    { title: t('oversight.elevatorsCol'), dataIndex: 'elevators' },
                    { title: t('oversight.overdueMaintenance'), dataIndex: 'overdueMaintenance' },
                    { title: t('oversight.overdueInspections'), dataIndex: 'overdueInspections' },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('oversight.rescue')} loading={rescue.isLoading}>
            {rescue.data && (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap size="large">
                  <Statistic title={t('oversight.entrapments')} value={rescue.data.entrapments} />
                  <Statistic title={t('oversight.withinLimit')} value={rescue.data.withinLimit} />
                  <Statistic
                    title={t('oversight.withinLimitClaimed')}
                    value={rescue.data.withinLimitClaimed}
                  />
                  <Statistic
                    title={t('oversight.medianArrival')}
                    value={fmtDuration(rescue.data.medianArrivalSeconds, lang)}
                  />
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {t('oversight.provenNote')}
                </Typography.Text>
                <Space wrap size={[4, 4]} data-testid="release-methods">
                  {(['technician', 'firefighters', 'self_released', 'device', 'open'] as const).map((m) => (
                    <Tag key={m}>
                      {t(`oversight.release.${m}`)} {rescue.data.releaseMethods[m]}
                    </Tag>
                  ))}
                  <Tag color={rescue.data.closedOverCar ? 'red' : undefined}>
                    {t('oversight.closedOverCar')} {rescue.data.closedOverCar}
                  </Tag>
                  <Tag color={rescue.data.reopened ? 'red' : undefined}>
                    {t('oversight.reopened')} {rescue.data.reopened}
                  </Tag>
                  <Tag>
                    {t('oversight.falseReports')} {rescue.data.falseReports}
                  </Tag>
                </Space>
                <Table
                  size="small"
                  rowKey={(f) => f.firmId ?? 'none'}
                  dataSource={rescue.data.byFirm}
                  pagination={false}
                  columns={[
                    { title: t('elevator.firm'), render: (_, f) => f.firm ?? '—' },
                    { title: t('oversight.entrapments'), dataIndex: 'entrapments' },
                    {
                      title: t('oversight.share'),
                      render: (_, f) =>
                        f.withinLimitShare === null ? '—' : `${Math.round(f.withinLimitShare * 1000) / 10}%`,
                    },
                    {
                      title: t('oversight.medianArrival'),
                      render: (_, f) => fmtDuration(f.medianArrivalSeconds, lang),
                    },
                  ]}
                />
                <Table
                  size="small"
                  rowKey="alarmId"
                  data-testid="rescue-incidents"
                  dataSource={rescue.data.incidents}
                  pagination={{ pageSize: 8, size: 'small' }}
                  scroll={{ x: 640 }}
                  columns={[
                    { title: t('alarms.notified'), render: (_, i) => fmtDateTime(i.notifiedTs), width: 140 },
                    { title: t('alarms.place'), dataIndex: 'place', ellipsis: true },
                    {
                      title: t('oversight.arrivalProof'),
                      render: (_, i) =>
                        i.arrivedAt ? (
                          <Tag
                            color={
                              i.arrivalSource === 'check_in' || i.arrivalSource === 'device'
                                ? 'green'
                                : 'gold'
                            }
                          >
                            {t(`arrivalSource.${i.arrivalSource ?? 'status'}`)} {fmtDateTime(i.arrivedAt)}
                          </Tag>
                        ) : (
                          <Tag>{t('oversight.noArrival')}</Tag>
                        ),
                    },
                    {
                      title: t('oversight.withinLimitShort'),
                      render: (_, i) => (i.withinLimit ? '✓' : '✗'),
                      width: 70,
                    },
                    {
                      title: t('rescue.howOut'),
                      render: (_, i) =>
                        i.releaseMethod
                          ? t(`releaseMethod.${i.releaseMethod}`)
                          : i.releasedTs
                            ? t('oversight.release.device')
                            : '—',
                    },
                  ]}
                />
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('oversight.faultRates')} loading={faults.isLoading}>
            {faults.data && faults.data.length > 0 && (
              <Chart
                height={200}
                option={{
                  grid: { left: 40, right: 12, top: 16, bottom: 60 },
                  tooltip: { trigger: 'axis' },
                  xAxis: {
                    type: 'category',
                    data: faults.data.map((f) => `${f.manufacturer ?? '?'} ${f.model ?? ''}`),
                    axisLabel: { rotate: 20, fontSize: 10 },
                  },
                  yAxis: { type: 'value', name: t('oversight.perElevator') },
                  series: [
                    {
                      type: 'bar',
                      data: faults.data.map((f) => f.faultsPerElevator),
                      itemStyle: { color: '#fa8c16' },
                    },
                  ],
                }}
              />
            )}
            <Table
              size="small"
              rowKey={(f) => `${f.manufacturerId}-${f.model}`}
              dataSource={faults.data ?? []}
              pagination={false}
              columns={[
                { title: t('oversight.maker'), render: (_, f) => f.manufacturer ?? '—' },
                { title: t('oversight.model'), render: (_, f) => f.model ?? '—' },
                { title: t('oversight.elevatorsCol'), dataIndex: 'elevators' },
                { title: t('elevator.faults'), dataIndex: 'faults' },
                { title: t('oversight.perElevator'), dataIndex: 'faultsPerElevator' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
