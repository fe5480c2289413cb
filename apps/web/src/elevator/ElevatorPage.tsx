import { useQuery } from '@tanstack/react-query';
import { QrcodeOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  List,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, download, unwrap } from '../api/client';
import { AlarmDrawer } from '../alarms/AlarmDrawer';
import { useAlarmEvents } from '../alarms/useAlarms';
import { useFleet } from '../fleet/useFleet';
import { currentLang } from '../i18n';
import { fmtDate, fmtDateTime, fmtMoney, fromNow } from '../ui/format';
import { RecordDrawer } from '../maintenance/RecordDrawer';
import { IotTag } from '../ui/IotTag';
import { Loading } from '../ui/Loading';
import { directionArrow, StatusTag } from '../ui/status';
import { Last30Days } from './Last30Days';
import { Shaft } from './Shaft';
import { useUser } from '../api/session';
import { MeterAnomalies } from '../costs/MeterAnomalies';

/**
 * One elevator: the live shaft, recent events, a month of trips, running time, energy and faults
 * from the rollups, the contract, maintenance records with their chain check, the inspection
 * status and the insurance in force.
 */
/** Who reads an elevator's meter anomalies (the API answers them alone). */
const METER_READERS: string[] = ['admin', 'agent', 'owner', 'firm'];

export default function ElevatorPage() {
  const user = useUser();
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const lang = currentLang();
  const fleet = useFleet();
  useAlarmEvents();
  const item = fleet.data?.find((i) => i.elevatorId === id);
  const [alarm, setAlarm] = useState<string | null>(null);
  const [record, setRecord] = useState<string | null>(null);
  const path = { params: { path: { id } } };
  const elevator = useQuery({
    queryKey: ['elevator', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/elevators/{id}', path)),
  });
  const events = useQuery({
    queryKey: ['events', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/elevators/{id}/events', { params: { path: { id }, query: { limit: 15 } } }),
      ),
    refetchInterval: 30_000,
  });
  const alarms = useQuery({
    queryKey: ['alarms', 'elevator', id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/alarms', { params: { query: { elevatorId: id, limit: 10 } } })),
  });
  const contracts = useQuery({
    queryKey: ['contracts', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/maintenance/contracts', {
          params: { query: { elevatorId: id, status: 'active' } },
        }),
      ),
    retry: false,
  });
  const records = useQuery({
    queryKey: ['records', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/maintenance/records', { params: { query: { elevatorId: id, limit: 10 } } }),
      ),
    retry: false,
  });
  const chain = useQuery({
    queryKey: ['chain', id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/elevators/{id}/maintenance-records/verification', path)),
    retry: false,
  });
  const inspection = useQuery({
    queryKey: ['inspection', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/elevators/{id}/inspection-status', path)),
    retry: false,
  });
  const policies = useQuery({
    queryKey: ['policies', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/insurance/policies', {
          params: { query: { elevatorId: id, status: 'active' } },
        }),
      ),
    retry: false,
  });

  if (elevator.isLoading) return <Loading />;
  if (elevator.isError || !elevator.data)
    return <Alert type="error" showIcon message={t('elevator.notFound')} />;
  const e = elevator.data;
  const live = item?.live ?? null;
  const floors = item?.floorCount ?? Math.max(...e.servedFloors, 2);
  const contract = contracts.data?.items[0];
  const policy = policies.data?.items[0];
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
          <Space direction="vertical" size={0}>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="elevator-title">
              {item ? `${item.community} ${item.buildingName} ${item.unitName}` : e.registrationCode}
            </Typography.Title>
            <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
              {e.registrationCode} {e.rescueCode ? `· ${t('elevator.rescueCode')} ${e.rescueCode}` : ''}
            </Typography.Text>
          </Space>
          <Space wrap>
            <StatusTag status={item?.status} />
            <Button
              size="small"
              icon={<QrcodeOutlined />}
              data-testid="code-sheet"
              onClick={() =>
                void download(
                  `/api/v1/elevators/${e.id}/code-sheet.pdf`,
                  `code-sheet-${e.registrationCode}.pdf`,
                )
              }
            >
              {t('elevator.codeSheet')}
            </Button>
            <Typography.Link href={`/e/${e.registrationCode}`} target="_blank" data-testid="public-page-link">
              {t('elevator.publicPage')}
            </Typography.Link>
          </Space>
        </Space>
        {e.registrationCodeNotes.length > 0 && (
          <Alert
            style={{ marginTop: 8 }}
            type="warning"
            showIcon
            message={t('elevator.codeNotes')}
            description={e.registrationCodeNotes.join('; ')}
          />
        )}
      </Card>
      {METER_READERS.includes(user.role) && <MeterAnomalies elevatorId={e.id} />}
      <Row gutter={[12, 12]}>
        <Col xs={24} md={10} lg={8} xxl={6}>
          <Card size="small" title={t('elevator.live')}>
            <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
              <Shaft floors={floors} live={live} />
              <Descriptions column={1} size="small" style={{ flex: 1, minWidth: 0 }}>
                <Descriptions.Item label={t('fleet.col.floor')}>
                  <span data-testid="live-floor">{live?.floor ?? '—'}</span> {directionArrow(live?.direction)}
                </Descriptions.Item>
                <Descriptions.Item label={t('fleet.col.door')}>
                  {live?.doorClosed === false
                    ? t('fleet.doorOpen')
                    : live?.doorClosed
                      ? t('fleet.doorClosed')
                      : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.mode')}>
                  {live?.mode !== null && live?.mode !== undefined ? t(`mode.${live.mode}`) : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('fleet.col.lastSeen')}>
                  {fromNow(live?.lastSeenAt, lang)}
                </Descriptions.Item>
              </Descriptions>
            </div>
          </Card>
        </Col>
        <Col xs={24} md={14} lg={16} xxl={18}>
          <Last30Days elevatorId={id} />
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('elevator.alarms')}>
            <List
              size="small"
              dataSource={alarms.data?.items ?? []}
              locale={{ emptyText: t('alarms.none') }}
              renderItem={(a) => (
                <List.Item onClick={() => setAlarm(a.id)} style={{ cursor: 'pointer' }}>
                  <Space wrap>
                    <Tag color={a.severity === 'critical' ? 'red' : 'orange'}>
                      {lang === 'en' ? a.nameEn : a.nameZh}
                    </Tag>
                    {t(`alarmStatus.${a.status}`)}
                  </Space>
                  <Typography.Text type="secondary">{fmtDateTime(a.openedAt)}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('elevator.events')}>
            <List
              size="small"
              dataSource={events.data?.items ?? []}
              locale={{ emptyText: t('elevator.noEvents') }}
              renderItem={(ev) => (
                <List.Item>
                  <Space>
                    <Tag color={ev.kind === 'fault' ? 'orange' : 'default'}>{ev.code}</Tag>
                    {lang === 'en' ? ev.nameEn : ev.nameZh} ·{' '}
                    {t(`eventState.${ev.state}`, { defaultValue: ev.state })}
                  </Space>
                  <Typography.Text type="secondary">{fmtDateTime(ev.ts, true)}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('elevator.contract')}>
            {contract ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('elevator.firm')}>{contract.firmName}</Descriptions.Item>
                <Descriptions.Item label={t('elevator.contractNo')}>
                  {contract.contractNumber}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.term')}>
                  {contract.startsOn} ~ {contract.endsOn}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.policy')}>
                  {contract.effectivePolicyCode === 'tsg-t5002'
                    ? t('elevator.policyStandard')
                    : t('elevator.policyOnDemand', { code: contract.effectivePolicyCode })}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.annualFee')}>
                  {fmtMoney(contract.annualFeeFen)}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Empty description={t('elevator.noContract')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('elevator.inspection')}>
            {inspection.data ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('elevator.inspectionState')}>
                  <Tag
                    color={
                      { ok: 'green', due: 'gold', overdue: 'red', failed: 'red', unknown: 'default' }[
                        inspection.data.state
                      ]
                    }
                    data-testid="inspection-state"
                  >
                    {t(`inspectionState.${inspection.data.state}`)}
                  </Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.nextInspection')}>
                  {inspection.data.next
                    ? `${inspection.data.next.dueMonth} · ${t(`obligation.${inspection.data.next.kind}`)}`
                    : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.applyBy')}>
                  {inspection.data.next?.applyBy ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('elevator.lastPassing')}>
                  {fmtDate(inspection.data.lastPassing?.inspectedOn)}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('elevator.insurance')}>
            {policy ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('elevator.insurer')}>{policy.insurerName}</Descriptions.Item>
                <Descriptions.Item label={t('elevator.policyNo')}>{policy.policyNumber}</Descriptions.Item>
                <Descriptions.Item label={t('elevator.term')}>
                  {policy.startsOn} ~ {policy.endsOn}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Empty description={t('elevator.noPolicy')} />
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card
            size="small"
            title={t('elevator.records')}
            extra={
              chain.data && (
                <Tag color={chain.data.valid ? 'green' : 'red'} data-testid="chain-check">
                  {chain.data.valid
                    ? t('elevator.chainOk', { n: chain.data.records })
                    : t('elevator.chainBroken', { n: chain.data.problems.length })}
                </Tag>
              )
            }
          >
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={records.data?.items ?? []}
              locale={{ emptyText: t('elevator.noRecords') }}
              scroll={{ x: 600 }}
              onRow={(r) => ({ onClick: () => setRecord(r.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('elevator.visit'), render: (_, r) => fmtDateTime(r.arrivedAt) },
                {
                  title: t('elevator.level'),
                  render: (_, r) =>
                    r.level ? t(`level.${r.level}`) : t(`recordKind.${r.kind}`, { defaultValue: r.kind }),
                },
                {
                  title: t('elevator.technicians'),
                  render: (_, r) => r.technicians.map((x) => x.name).join('、'),
                },
                {
                  title: t('elevator.iot'),
                  render: (_, r) => <IotTag iot={r.iot} />,
                },
                {
                  title: t('elevator.countersigned'),
                  render: (_, r) => (r.countersignature ? r.countersignature.signerName : '—'),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <AlarmDrawer id={alarm} onClose={() => setAlarm(null)} />
      <RecordDrawer id={record} onClose={() => setRecord(null)} />
    </Space>
  );
}
