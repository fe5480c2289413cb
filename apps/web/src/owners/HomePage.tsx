import {
  BellOutlined,
  CheckCircleTwoTone,
  QuestionCircleTwoTone,
  CloseCircleTwoTone,
  FileTextOutlined,
  ToolOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Col,
  Descriptions,
  Empty,
  List,
  Progress,
  Row,
  Space,
  Statistic,
  Steps,
  Tag,
  Typography,
} from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { currentLang } from '../i18n';
import { fmtDate, fmtDateTime, fmtMoney } from '../ui/format';
import { StatusTag } from '../ui/status';
import { useIsPhone } from '../ui/useIsPhone';
import { duration, noticeText, type Notice, PHASES, type Project, schemeText } from './text';

type FleetItem = Schemas['FleetItem'];

/**
 * The owner's home: our elevator (is it working, how available it was this month and why it
 * stopped), our project (its phase, the vote, the agreement in force, my construction funding),
 * and the notices that matter to an owner. What I owe each month is on the statements screen.
 */
export default function HomePage() {
  const { t } = useTranslation();
  const fleet = useQuery({
    queryKey: ['fleet', 'mine'],
    refetchInterval: 30_000,
    queryFn: async () => unwrap(await api.GET('/api/v1/fleet', { params: { query: { limit: 20 } } })).items,
  });
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 20 } } })).items,
  });
  const elevators = fleet.data ?? [];
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="home-page">
      <DueCard />
      {!fleet.isLoading && elevators.length === 0 && (
        <Card>
          <Empty description={t('home.noElevator')} />
        </Card>
      )}
      {elevators.map((e) => (
        <ElevatorCard key={e.elevatorId} e={e} />
      ))}
      {(projects.data ?? []).map((p) => (
        <ProjectCard key={p.id} project={p} />
      ))}
      <Notices />
    </Space>
  );
}

function ElevatorCard({ e }: { e: FleetItem }) {
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
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
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

function ProjectCard({ project: p }: { project: Project }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const user = useUser();
  const vote = useQuery({
    queryKey: ['vote', p.id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects/{id}/vote', { params: { path: { id: p.id } } })),
  });
  const funding = useQuery({
    queryKey: ['funding', p.id],
    enabled: !!p.agreement,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/funding', {
          params: { path: { id: p.id }, query: { limit: 200 } },
        }),
      ).items,
  });
  const mine = (funding.data ?? []).filter((l) => user.role !== 'owner' || l.ownerId === user.ownerId);
  const current = PHASES.indexOf(p.phase);
  return (
    <Card size="small" title={p.name} data-testid="home-project">
      {phone ? (
        <div style={{ marginBottom: 12 }} data-testid="home-phase">
          <Space style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Text strong>{t(`phase.${p.phase}`)}</Typography.Text>
            <Typography.Text type="secondary">
              {p.phaseDates[p.phase] ? fmtDate(p.phaseDates[p.phase]) : ''} · {current + 1}/{PHASES.length}
            </Typography.Text>
          </Space>
          <Progress
            percent={((current + 1) / PHASES.length) * 100}
            steps={PHASES.length}
            showInfo={false}
            size={[40, 6]}
          />
        </div>
      ) : (
        <Steps
          size="small"
          current={current}
          items={PHASES.map((ph) => ({
            title: t(`phase.${ph}`),
            description: p.phaseDates[ph] ? fmtDate(p.phaseDates[ph]) : undefined,
          }))}
          style={{ marginBottom: 12 }}
        />
      )}
      <Row gutter={[16, 12]}>
        <Col xs={24} md={12}>
          <Typography.Text strong>
            {t('vote.title')}{' '}
            {vote.data && (
              <Tag color={vote.data.passed ? 'green' : 'orange'} data-testid="home-vote">
                {vote.data.passed ? t('vote.passed') : t('vote.notPassed')}
              </Tag>
            )}
          </Typography.Text>
          {vote.data && <VoteConditions vote={vote.data} />}
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('agreement.inForce')}</Typography.Text>
          {p.agreement ? (
            <Descriptions size="small" column={1} style={{ marginTop: 6 }}>
              <Descriptions.Item label={t('agreement.version')}>
                {t('agreement.versionOf', {
                  version: p.agreement.version,
                  date: fmtDate(p.agreement.signedOn),
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('agreement.budget')}>
                {fmtMoney(p.agreement.constructionBudgetFen)}
              </Descriptions.Item>
              <Descriptions.Item label={t('agreement.construction')}>
                {schemeText(p.agreement.constructionScheme, t)}
              </Descriptions.Item>
              <Descriptions.Item label={t('agreement.running')}>
                {schemeText(p.agreement.runningScheme, t)}
              </Descriptions.Item>
              <Descriptions.Item label={t('agreement.model')}>
                {t(`operatingModel.${p.agreement.operatingModel}`)}
              </Descriptions.Item>
            </Descriptions>
          ) : (
            <div>
              <Typography.Text type="secondary">{t('agreement.none')}</Typography.Text>
            </div>
          )}
        </Col>
      </Row>
      {mine.length > 0 && (
        <div style={{ marginTop: 12 }} data-testid="home-funding">
          <Typography.Text strong>{t('funding.mine')}</Typography.Text>
          {mine.map((l) => (
            <Row gutter={[12, 8]} key={l.ownerId} style={{ marginTop: 6 }}>
              <Funding label={t('funding.share')} fen={l.shareFen} />
              <Funding label={t('funding.subsidy')} fen={-l.subsidyFen} />
              <Funding label={t('funding.maintenanceFund')} fen={l.maintenanceFundFen} />
              <Funding label={t('funding.providentFund')} fen={l.providentFundFen} />
              <Funding label={t('funding.cash')} fen={l.cashFen} strong />
            </Row>
          ))}
        </div>
      )}
    </Card>
  );
}

function Funding({ label, fen, strong }: { label: string; fen: number; strong?: boolean }) {
  return (
    <Col xs={12} md={4}>
      <Statistic
        title={label}
        value={fmtMoney(fen)}
        valueStyle={{ fontSize: 18, fontWeight: strong ? 600 : 400 }}
      />
    </Col>
  );
}

/** The four conditions of the vote, each with what was reached and any shortfall named. */
export function VoteConditions({ vote }: { vote: Schemas['VoteResultView'] }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      dataSource={vote.conditions}
      renderItem={(c) => {
        const exact = (c.of * c.required.numerator) / c.required.denominator;
        // owners are counted whole: 2/3 of 4 owners needs 3
        const need = c.unit === 'owners' ? Math.ceil(exact) : exact;
        const unit = t(`vote.unit.${c.unit}`);
        return (
          <List.Item data-testid="vote-condition" data-met={c.met} style={{ display: 'block' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
              <span>
                {c.met ? (
                  <CheckCircleTwoTone twoToneColor="#52c41a" />
                ) : (
                  <CloseCircleTwoTone twoToneColor="#f5222d" />
                )}{' '}
                {t(`vote.condition.${c.name}`, {
                  fraction: `${c.required.numerator}/${c.required.denominator}`,
                })}
              </span>
              <Typography.Text type="secondary">
                {fmtNum(c.reached)} / {fmtNum(c.of)} {unit}
              </Typography.Text>
            </Space>
            <Progress
              percent={c.of ? Math.min(100, (c.reached / c.of) * 100) : 0}
              success={{ percent: 0 }}
              showInfo={false}
              size="small"
              strokeColor={c.met ? '#52c41a' : '#faad14'}
            />
            {!c.met && (
              <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="vote-shortfall">
                {t('vote.short', { by: fmtNum(c.shortBy), unit, need: fmtNum(need) })}
              </Typography.Text>
            )}
          </List.Item>
        );
      }}
    />
  );
}

const fmtNum = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

const NOTICE_ICON: Record<string, ReactNode> = {
  visit_recorded: <ToolOutlined style={{ color: '#52c41a' }} />,
  statement_issued: <FileTextOutlined style={{ color: '#1456f0' }} />,
  outage: <WarningOutlined style={{ color: '#f5222d' }} />,
};

function Notices() {
  const { t } = useTranslation();
  const lang = currentLang();
  const notices = useQuery({
    queryKey: ['notifications'],
    refetchInterval: 60_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })).items,
  });
  const items: Notice[] = notices.data ?? [];
  return (
    <Card size="small" title={t('home.notices')} data-testid="home-notices">
      {notices.error ? (
        <Alert type="error" message={t('error.generic')} />
      ) : (
        <List
          size="small"
          loading={notices.isLoading}
          dataSource={items}
          locale={{ emptyText: t('home.noNotices') }}
          renderItem={(n) => (
            <List.Item data-testid="home-notice" data-kind={n.kind}>
              <Space align="start" style={{ width: '100%' }}>
                {NOTICE_ICON[n.kind] ?? <BellOutlined style={{ color: '#faad14' }} />}
                <Space direction="vertical" size={0}>
                  <span>
                    {noticeText(n, t, lang)}
                    {n.kind === 'statement_issued' && (
                      <>
                        {' '}
                        <Link to="/statements">{t('home.open')}</Link>
                      </>
                    )}
                  </span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmtDateTime(n.createdAt)}
                  </Typography.Text>
                </Space>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** 本月应缴: what I owe on the latest statement (or that nothing is due), with a link to it. */
function DueCard() {
  const { t } = useTranslation();
  const latest = useQuery({
    queryKey: ['statements', 'latest'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/statements', { params: { query: { limit: 1 } } })).items[0] ?? null,
  });
  if (latest.isLoading) return null;
  if (latest.isError)
    return <Alert type="warning" showIcon message={t('home.dueFailed')} data-testid="home-due" />;
  const s = latest.data;
  const mine = s ? s.allocations.reduce((a, x) => a + x.ownerFen, 0) : 0;
  return (
    <Card size="small" data-testid="home-due">
      <Space direction="vertical" size={2}>
        <Typography.Text strong style={{ fontSize: 18 }}>
          {s && mine > 0 ? t('home.due', { amount: fmtMoney(mine) }) : t('home.nothingDue')}
        </Typography.Text>
        {s && (
          <Typography.Text type="secondary">
            {t('home.dueOf', { month: s.month, due: s.dueOn, total: fmtMoney(s.totalFen) })}{' '}
            <Link to="/statements">{t('home.seeStatement')}</Link>
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}
