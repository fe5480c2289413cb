import { type Schemas } from '../api/client';
import { CheckCircleTwoTone, QuestionCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, List, Progress, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { currentLang } from '../i18n';
import { fmtDateTime } from '../ui/format';
import { StatusTag } from '../ui/status';
import { useIsPhone } from '../ui/useIsPhone';
import { duration } from './text';

type FleetItem = Schemas['FleetItem'];

export function ElevatorCard({ e }: { e: FleetItem }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const phone = useIsPhone();
  const availability = useQuery({
    queryKey: ['availability', e.elevatorId],
    refetchInterval: 60_000,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/elevators/{id}/availability', { params: { path: { id: e.elevatorId } } }),
      ),
  });
  const service = useQuery({
    queryKey: ['service-status', e.elevatorId, e.status],
    refetchInterval: 30_000,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/elevators/{id}/service-status', { params: { path: { id: e.elevatorId } } }),
      ),
  });
  const a = availability.data;
  const current = a?.outages.filter((o) => o.to === null) ?? [];
  // a controller that never reported says nothing about the month: no figure rather than 100 %
  const percent =
    a?.availability === null || a?.availability === undefined || !e.live ? null : a.availability * 100;
  return (
    <Card
      size="small"
      data-testid="home-elevator"
      title={
        <Space wrap>
          <span>{t('home.elevator')}</span>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {e.community} {e.buildingName} {e.unitName}
          </Typography.Text>
        </Space>
      }
      extra={<Link to={`/elevators/${e.elevatorId}`}>{t('home.details')}</Link>}
    >
      <Row gutter={[16, 12]} align="middle">
        <Col xs={24} md={10}>
          <Space direction="vertical" size={4}>
            <Space wrap>
              <StatusTag status={e.status} />
              {e.live?.floor !== null && e.live?.floor !== undefined && (
                <span>{t('home.atFloor', { floor: e.live.floor })}</span>
              )}
            </Space>
            {service.data && (
              <Space direction="vertical" size={2}>
                <Typography.Text
                  strong
                  data-testid="home-in-service"
                  data-status={service.data.status}
                  style={{ fontSize: 16 }}
                >
                  {service.data.inNormalService ? (
                    <CheckCircleTwoTone twoToneColor="#52c41a" />
                  ) : service.data.status === 'offline' ? (
                    <QuestionCircleTwoTone twoToneColor="#8c8c8c" />
                  ) : (
                    <CloseCircleTwoTone twoToneColor="#f5222d" />
                  )}{' '}
                  {t(`home.service.${service.data.status}`)}
                </Typography.Text>
                {(service.data.inspection === 'overdue' || service.data.inspection === 'failed') && (
                  <Typography.Text type="danger" strong data-testid="home-inspection-overdue">
                    {t(
                      service.data.inspection === 'failed'
                        ? 'public.inspectionFailedPlain'
                        : 'public.inspectionOverduePlain',
                    )}
                  </Typography.Text>
                )}
                {service.data.maintenanceOverdue && (
                  <Typography.Text type="danger" strong data-testid="home-maintenance-overdue">
                    {t('public.maintenanceOverduePlain')}
                  </Typography.Text>
                )}
              </Space>
            )}
            {current
              .filter((o) => o.stopsService)
              .map((o) => (
                <Typography.Text key={o.alarmId} type="danger">
                  {t('home.because', {
                    what: lang === 'en' ? o.nameEn : o.nameZh,
                    since: fmtDateTime(o.from),
                  })}
                </Typography.Text>
              ))}
            {e.status === 'offline' && (
              <Typography.Text type="secondary">{t('home.offlineNote')}</Typography.Text>
            )}
            <Typography.Text type="secondary" style={{ overflowWrap: 'anywhere' }}>
              {t('home.code')} {e.registrationCode} {t('home.firm')} {e.firmName ?? '—'}
            </Typography.Text>
          </Space>
        </Col>
        <Col xs={24} md={14}>
          <Space size={phone ? 12 : 24} align="center" wrap>
            <Progress
              aria-label={t('home.availability', { month: a?.month ?? '' })}
              type="circle"
              size={phone ? 84 : 96}
              percent={percent === null ? 0 : Math.floor(percent * 10) / 10}
              format={() => (percent === null ? '—' : `${(Math.floor(percent * 10) / 10).toFixed(1)}%`)}
              status={percent !== null && percent < 95 ? 'exception' : 'normal'}
            />
            <Space direction="vertical" size={0}>
              <Typography.Text strong>{t('home.availability', { month: a?.month ?? '' })}</Typography.Text>
              <Typography.Text type="secondary" data-testid="home-downtime">
                {t('home.downtime', { time: duration(a?.outOfServiceSeconds ?? 0, t) })}
              </Typography.Text>
              {!e.live && <Typography.Text type="secondary">{t('home.noData')}</Typography.Text>}
              {!!a?.unknownSeconds && (
                <Typography.Text type="secondary">
                  {t('home.unknown', { time: duration(a.unknownSeconds, t) })}
                </Typography.Text>
              )}
              <Typography.Text type="secondary" style={{ fontSize: '0.875em' }}>
                {t('home.availabilityNote')}
              </Typography.Text>
            </Space>
          </Space>
        </Col>
      </Row>
      {a && a.outages.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          header={<Typography.Text strong>{t('home.outages')}</Typography.Text>}
          dataSource={[...a.outages].reverse().slice(0, 8)}
          renderItem={(o) => (
            <List.Item data-testid="home-outage">
              <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
                <Space wrap>
                  <Tag color={o.stopsService ? 'red' : 'default'}>{lang === 'en' ? o.nameEn : o.nameZh}</Tag>
                  <span>
                    {fmtDateTime(o.from)} – {o.to ? fmtDateTime(o.to) : t('home.ongoing')}
                  </span>
                </Space>
                <Typography.Text type="secondary">{duration(o.seconds, t)}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
