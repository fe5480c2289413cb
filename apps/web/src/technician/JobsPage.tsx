import { CarOutlined, CheckOutlined, EnvironmentOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Countdown } from '../alarms/Countdown';
import { IncidentReports } from '../alarms/IncidentReports';
import { ResolveModal } from '../alarms/ResolveModal';
import { useAlarm } from '../alarms/useAlarms';
import { useWorkOrders, useWorkOrderStep, type WorkOrder } from '../alarms/useRescue';
import { currentLang } from '../i18n';
import { fmtDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import { ScanCheckIn } from './ScanCheckIn';

const STEPS = ['assigned', 'accepted', 'en_route', 'on_site', 'done'] as const;

/**
 * The technician's phone: the jobs dispatched to me, the urgent first, each taken forward with one
 * big button — 接单, 出发, 到场 (the car's code), 解困/完成. One column for a 390 px screen.
 */
export default function JobsPage() {
  const { t } = useTranslation();
  const jobs = useWorkOrders();
  const active = (jobs.data ?? []).filter((j) => j.status !== 'done' && j.status !== 'cancelled');
  const finished = (jobs.data ?? []).filter((j) => j.status === 'done' || j.status === 'cancelled');
  return (
    <Space direction="vertical" size={12} style={{ width: '100%', maxWidth: 560 }} data-testid="jobs-page">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('jobs.title')}
      </Typography.Title>
      {jobs.isLoading ? (
        <Loading />
      ) : jobs.isError ? (
        <Alert
          type="error"
          showIcon
          message={t('jobs.loadFailed')}
          action={
            <Button icon={<ReloadOutlined />} onClick={() => void jobs.refetch()}>
              {t('jobs.retry')}
            </Button>
          }
        />
      ) : active.length === 0 ? (
        <Card>
          <Empty description={t('jobs.none')} />
        </Card>
      ) : (
        active.map((j) => <JobCard key={j.id} job={j} />)
      )}
      {finished.length > 0 && (
        <Card size="small" title={t('jobs.finished')}>
          {finished.map((j) => (
            <div key={j.id} style={{ padding: '6px 0' }}>
              <Tag>{t(`workOrderStatus.${j.status}`)}</Tag> {j.place} · {fmtDateTime(j.finishedAt)}
            </div>
          ))}
        </Card>
      )}
    </Space>
  );
}

function JobCard({ job }: { job: WorkOrder }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const step = useWorkOrderStep();
  const [scan, setScan] = useState(false);
  const [closing, setClosing] = useState(false);
  const alarm = useAlarm(closing ? job.alarmId : null);
  const rescue = job.alarmType === 'entrapment';
  const current = STEPS.indexOf(job.status as (typeof STEPS)[number]);
  const big = { size: 'large' as const, block: true, style: { minHeight: 52, fontSize: 17 } };

  return (
    <Card
      data-testid="job-card"
      data-status={job.status}
      title={
        <Space wrap>
          <Tag color={rescue ? 'red' : 'orange'}>
            {t(`jobs.type.${rescue ? 'entrapment' : 'other'}`, { defaultValue: job.alarmType })}
          </Tag>
          <span>{t(`workOrderStatus.${job.status}`)}</span>
        </Space>
      }
      extra={rescue && !job.arrivedAt && <Countdown deadline={job.rescueDeadline} />}
      styles={{ body: { padding: 12 } }}
    >
      <Space direction="vertical" size={10} style={{ width: '100%' }}>
        <div>
          <Typography.Text strong style={{ fontSize: 17 }}>
            {job.place}
          </Typography.Text>
          <div>
            <a
              href={`https://uri.amap.com/search?keyword=${encodeURIComponent(job.address)}`}
              target="_blank"
              rel="noreferrer"
              style={{ display: 'inline-block', padding: '6px 0' }}
            >
              <EnvironmentOutlined /> {job.address}
            </a>
          </div>
          {job.rescueCode && (
            <Typography.Text type="secondary">
              {t('elevator.rescueCode')} {job.rescueCode}
            </Typography.Text>
          )}
        </div>
        {job.note && (
          <Alert
            type="info"
            message={`${t('jobs.dispatcherSays')}${job.assignedByName ? `（${job.assignedByName}）` : ''}：${job.note}`}
          />
        )}
        <IncidentReports reports={job.reports} />
        <Steps
          size="small"
          direction="horizontal"
          responsive={false}
          current={Math.max(0, current)}
          items={STEPS.slice(0, 4).map((s) => ({ title: t(`jobs.step.${s}`) }))}
          style={{ overflowX: 'auto' }}
        />
        {job.conditionClearedTs && rescue && (
          <Typography.Text type="success">
            {t('jobs.carReleased', { at: fmtDateTime(job.conditionClearedTs, true) })}
          </Typography.Text>
        )}
        {step.error && (
          <Alert
            type="error"
            showIcon
            message={step.error instanceof ApiError ? step.error.message : t('error.generic')}
          />
        )}
        {job.status === 'assigned' && (
          <Button
            {...big}
            type="primary"
            danger={rescue}
            icon={<CheckOutlined />}
            loading={step.isPending}
            onClick={() => step.mutate({ id: job.id, step: 'accept' })}
            data-testid="job-accept"
          >
            {t('jobs.accept')}
          </Button>
        )}
        {job.status === 'accepted' && (
          <Button
            {...big}
            type="primary"
            icon={<CarOutlined />}
            loading={step.isPending}
            onClick={() => step.mutate({ id: job.id, step: 'depart' })}
            data-testid="job-depart"
          >
            {t('jobs.depart')}
          </Button>
        )}
        {(job.status === 'accepted' || job.status === 'en_route') && (
          <Button
            {...big}
            type={job.status === 'en_route' ? 'primary' : 'default'}
            onClick={() => setScan(true)}
            data-testid="job-arrive"
          >
            {t('jobs.arrive')}
          </Button>
        )}
        {job.status === 'on_site' && (
          <Button {...big} type="primary" onClick={() => setClosing(true)} data-testid="job-finish">
            {rescue ? t('jobs.released') : t('jobs.finish')}
          </Button>
        )}
        <Typography.Text type="secondary" style={{ fontSize: '0.93em' }}>
          {t('jobs.assignedAt', { at: fmtDateTime(job.assignedAt), lang })}
        </Typography.Text>
      </Space>
      <ScanCheckIn open={scan} onClose={() => setScan(false)} />
      {closing && alarm.data && (
        <ResolveModal alarm={alarm.data} action="resolve" onClose={() => setClosing(false)} />
      )}
    </Card>
  );
}
