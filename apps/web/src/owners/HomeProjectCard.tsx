import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Progress, Row, Space, Statistic, Steps, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { fmtDate, fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { PHASES, type Project, schemeText } from './text';
import { VoteConditions } from './VoteConditions';

export function ProjectCard({ project: p }: { project: Project }) {
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
