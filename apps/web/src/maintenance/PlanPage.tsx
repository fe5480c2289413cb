import { useQuery } from '@tanstack/react-query';
import { Badge, Calendar, Card, Col, List, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { IotTag } from '../ui/IotTag';
import { Loading } from '../ui/Loading';
import { useIsPhone } from '../ui/useIsPhone';
import { RecordDrawer } from './RecordDrawer';
import { LoadFailures } from '../ui/QueryState';

type Plan = Schemas['ElevatorPlan'];

/**
 * The firm's maintenance plan: due and overdue visits per elevator and level (TSG T5002, as the
 * server computes them), planned visits on a calendar, and which recorded visits the elevator's own
 * data confirms (inspection mode reported while the technicians were there).
 */
export default function PlanPage() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [view, setView] = useState<'list' | 'calendar'>('list');
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const [openRecord, setOpenRecord] = useState<string | null>(null);
  const plans = useQuery({
    queryKey: ['plan', onlyOverdue],
    queryFn: async () => {
      const out: Plan[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = unwrap(
          await api.GET('/api/v1/maintenance/plan', {
            params: { query: { limit: 500, offset, horizonDays: 62, overdue: onlyOverdue } },
          }),
        );
        out.push(...page.items);
        if (out.length >= page.total || page.items.length === 0) return out;
      }
    },
  });
  const records = useQuery({
    queryKey: ['records', 'recent'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/maintenance/records', { params: { query: { limit: 20 } } })),
  });
  const byDay = useMemo(() => {
    const m = new Map<string, Array<{ plan: Plan; level: string; overdue: boolean }>>();
    for (const p of plans.data ?? []) {
      for (const v of p.planned) {
        const list = m.get(v.date) ?? [];
        list.push({ plan: p, level: v.level, overdue: v.overdue });
        m.set(v.date, list);
      }
    }
    return m;
  }, [plans.data]);
  if (plans.isLoading) return <Loading />;
  const data = plans.data ?? [];
  const overdueCount = data.filter((p) => p.overdueLevels.length > 0).length;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <LoadFailures queries={[plans, records]} />
      <Space wrap>
        <Segmented
          value={view}
          onChange={(v) => setView(v as typeof view)}
          options={[
            { value: 'list', label: t('plan.list') },
            { value: 'calendar', label: t('plan.calendar') },
          ]}
        />
        <Segmented
          value={onlyOverdue ? 'overdue' : 'all'}
          onChange={(v) => setOnlyOverdue(v === 'overdue')}
          options={[
            { value: 'all', label: t('plan.all', { n: data.length }) },
            { value: 'overdue', label: t('plan.overdueOnly', { n: overdueCount }) },
          ]}
        />
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={16}>
          {view === 'list' ? (
            <Card size="small" styles={{ body: { padding: 0 } }}>
              <Table<Plan>
                size="small"
                rowKey="elevatorId"
                dataSource={data}
                pagination={{ pageSize: 20, size: 'small' }}
                scroll={phone ? undefined : { x: 640 }}
                locale={{ emptyText: t('plan.none') }}
                data-testid="plan-table"
                columns={[
                  {
                    title: t('alarms.code'),
                    render: (_, p) => (
                      <Link to={`/elevators/${p.elevatorId}`} style={{ fontFamily: 'monospace' }}>
                        {p.registrationCode}
                      </Link>
                    ),
                  },
                  {
                    title: t('plan.due'),
                    render: (_, p) => (
                      <Space wrap size={4}>
                        {(phone ? urgentLevels(p) : p.levels).map((l) => (
                          <Tag
                            key={l.level}
                            color={
                              l.status === 'overdue' ? 'red' : l.status === 'due_soon' ? 'gold' : 'default'
                            }
                          >
                            {t(`level.${l.level}`)} {l.dueOn}
                          </Tag>
                        ))}
                      </Space>
                    ),
                  },
                  ...(phone
                    ? []
                    : [
                        {
                          title: t('plan.next'),
                          render: (_: unknown, p: Plan) => p.nextDueOn ?? '—',
                          width: 110,
                        },
                        {
                          title: t('elevator.firm'),
                          render: (_: unknown, p: Plan) =>
                            p.contract?.firmName ?? <Tag color="red">{t('plan.noContract')}</Tag>,
                        },
                      ]),
                ]}
              />
            </Card>
          ) : (
            <Card size="small">
              <Calendar
                fullscreen={!phone}
                cellRender={(d: Dayjs, info) => {
                  if (info.type !== 'date') return info.originNode;
                  const list = byDay.get(d.format('YYYY-MM-DD')) ?? [];
                  if (list.length === 0) return null;
                  return phone ? (
                    <Badge
                      count={list.length}
                      size="small"
                      color={list.some((x) => x.overdue) ? 'red' : 'blue'}
                    />
                  ) : (
                    <ul style={{ listStyle: 'none', margin: 0, padding: 0, fontSize: 12 }}>
                      {list.slice(0, 3).map((x) => (
                        <li key={`${x.plan.elevatorId}-${x.level}`}>
                          <Badge
                            status={x.overdue ? 'error' : 'processing'}
                            text={`${x.plan.registrationCode.slice(-6)} ${t(`level.${x.level}`)}`}
                          />
                        </li>
                      ))}
                      {list.length > 3 && <li>+{list.length - 3}</li>}
                    </ul>
                  );
                }}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('plan.recentVisits')}>
            <List
              size="small"
              loading={records.isLoading}
              dataSource={records.data?.items ?? []}
              locale={{ emptyText: t('elevator.noRecords') }}
              renderItem={(r) => (
                <List.Item>
                  <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
                    <Typography.Link onClick={() => setOpenRecord(r.id)} data-record={r.id}>
                      {snapshotPlace(r.elevatorSnapshot)}
                    </Typography.Link>
                    <Typography.Text type="secondary">
                      {fmtDateTime(r.arrivedAt)} ·{' '}
                      {r.level ? t(`level.${r.level}`) : t(`recordKind.${r.kind}`, { defaultValue: r.kind })}
                    </Typography.Text>
                  </Space>
                  <IotTag iot={r.iot} />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <RecordDrawer id={openRecord} onClose={() => setOpenRecord(null)} />
    </Space>
  );
}

/** Where a visit took place, from the elevator's particulars the record keeps. */
function snapshotPlace(snapshot: Record<string, unknown>): string {
  const text = (k: string): string => (typeof snapshot[k] === 'string' ? snapshot[k] : '');
  const place = [text('community'), text('building'), text('unit')].filter(Boolean).join(' ');
  return place || text('registrationCode') || '—';
}

/** On a phone: the levels that need attention (overdue or due soon), else the next one due. */
function urgentLevels(p: Plan): Plan['levels'] {
  const urgent = p.levels.filter((l) => l.status !== 'ok');
  if (urgent.length > 0) return urgent;
  const next = [...p.levels].sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0];
  return next ? [next] : [];
}
