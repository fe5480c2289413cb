import { EnvironmentOutlined, FormOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { PendingVisits } from '../maintenance/PendingVisits';
import { api, ApiError, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { IncidentReports } from '../alarms/IncidentReports';
import { ResolveModal } from '../alarms/ResolveModal';
import { useAlarm, useAlarmEvents, useCheckIn } from '../alarms/useAlarms';
import { useState } from 'react';
import { useElevatorByCode, useMaintenancePlan } from '../elevator/useElevatorByCode';
import { currentLang } from '../i18n';
import { fmtDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';

/**
 * The technician's phone after scanning the car's code: this elevator, its open alarms with a
 * one-tap check-in (the arrival evidence the rescue clock keeps; the scanned code proves the place)
 * and what is due today. Large targets, one column, for a 390 px screen held in one hand.
 */
export default function TechnicianPage() {
  const { t } = useTranslation();
  const lang = currentLang();
  const { code = '' } = useParams();
  const user = useUser();
  const responder = user.role === 'firm' || user.role === 'admin' || user.role === 'technician';
  const [closing, setClosing] = useState<string | null>(null);
  const closingAlarm = useAlarm(closing);
  useAlarmEvents();
  const elevator = useElevatorByCode(code);
  const id = elevator.data?.id;
  const alarms = useQuery({
    queryKey: ['alarms', 'technician', id],
    enabled: !!id,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/alarms', { params: { query: { elevatorId: id, status: 'open', limit: 20 } } }),
      ),
  });
  const plan = useMaintenancePlan(id);
  const checkIn = useCheckIn();
  const navigate = useNavigate();

  if (elevator.isLoading) return <Loading />;
  if (!elevator.data)
    return <Alert type="error" showIcon message={t('technician.notYours')} description={code} />;
  const e = elevator.data;
  const open = alarms.data?.items ?? [];
  return (
    <Space
      direction="vertical"
      size={12}
      style={{ width: '100%', maxWidth: 520 }}
      data-testid="technician-page"
    >
      <Card size="small">
        <Typography.Text type="secondary">{t('technician.title')}</Typography.Text>
        <Typography.Title level={4} style={{ margin: '2px 0', wordBreak: 'break-all' }}>
          {e.registrationCode}
        </Typography.Title>
        <Link to={`/elevators/${e.id}`}>{t('technician.details')}</Link>
      </Card>

      <PendingVisits />

      <Card size="small" title={t('technician.openAlarms')}>
        {open.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('technician.noAlarms')} />
        ) : (
          <List
            dataSource={open}
            renderItem={(a) => (
              <List.Item data-testid="technician-alarm" style={{ display: 'block' }}>
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <Tag color={a.severity === 'critical' ? 'red' : 'orange'}>
                      {lang === 'en' ? a.nameEn : a.nameZh}
                    </Tag>
                    <span>{t(`alarmStatus.${a.status}`)}</span>
                    <Typography.Text type="secondary">{fmtDateTime(a.openedAt)}</Typography.Text>
                  </Space>
                  {a.source !== 'rule' && <AlarmReports id={a.id} />}
                  {a.arrivedAt ? (
                    <Space direction="vertical" style={{ width: '100%' }}>
                      <Typography.Text strong data-testid="technician-arrived">
                        {t('alarms.arrivedAt')} {fmtDateTime(a.arrivedAt, true)}
                      </Typography.Text>
                      {responder && (
                        <Button
                          type="primary"
                          size="large"
                          block
                          style={{ minHeight: 52 }}
                          onClick={() => setClosing(a.id)}
                          data-testid="technician-finish"
                        >
                          {a.type === 'entrapment' ? t('jobs.released') : t('jobs.finish')}
                        </Button>
                      )}
                    </Space>
                  ) : (
                    responder && (
                      <Button
                        type="primary"
                        size="large"
                        block
                        icon={<EnvironmentOutlined />}
                        loading={checkIn.isPending && checkIn.variables?.id === a.id}
                        onClick={() => checkIn.mutate({ id: a.id, registrationCode: code })}
                        data-testid="technician-check-in"
                      >
                        {t('alarms.checkIn')}
                      </Button>
                    )
                  )}
                </Space>
              </List.Item>
            )}
          />
        )}
        {checkIn.error && (
          <Alert
            type="error"
            style={{ marginTop: 8 }}
            message={checkIn.error instanceof ApiError ? checkIn.error.message : t('error.generic')}
          />
        )}
      </Card>

      {closing && closingAlarm.data && (
        <ResolveModal alarm={closingAlarm.data} action="resolve" onClose={() => setClosing(null)} />
      )}
      {user.role === 'technician' && (
        <Link to="/t" style={{ display: 'inline-block', padding: '8px 0' }}>
          {t('jobs.back')}
        </Link>
      )}

      <Card size="small" title={t('technician.plan')}>
        {plan.data?.contract ? (
          <List
            size="small"
            dataSource={plan.data.levels}
            renderItem={(l) => (
              <List.Item>
                <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                  <span>{t(`level.${l.level}`)}</span>
                  <Tag color={l.status === 'overdue' ? 'red' : l.status === 'due_soon' ? 'gold' : 'green'}>
                    {l.dueOn}
                  </Tag>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Typography.Text type="secondary">{t('technician.noContract')}</Typography.Text>
        )}
        {responder && plan.data?.contract && (
          <Button
            size="large"
            block
            style={{ marginTop: 8 }}
            icon={<FormOutlined />}
            onClick={() => void navigate(`/t/${encodeURIComponent(code)}/visit`)}
            data-testid="technician-record-visit"
          >
            {t('visit.start')}
          </Button>
        )}
      </Card>
    </Space>
  );
}

/** What passengers or callers said about this alarm, with the number to call back. */
function AlarmReports({ id }: { id: string }) {
  const detail = useAlarm(id);
  return detail.data ? <IncidentReports reports={detail.data.reports} /> : null;
}
