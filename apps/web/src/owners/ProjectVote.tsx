import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { VoteConditions } from './VoteConditions';
import { type Project } from './text';
import { problem } from './projectForms';

type Answer = 'agree' | 'disagree' | 'abstain' | 'none';

export function Vote({ project: p, manager }: { project: Project; manager: boolean }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const qc = useQueryClient();
  const open = p.phase === 'consent_vote';
  const vote = useQuery({
    queryKey: ['vote', p.id],
    refetchInterval: open ? 10_000 : false,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects/{id}/vote', { params: { path: { id: p.id } } })),
  });
  const ballots = useQuery({
    queryKey: ['ballots', p.id],
    refetchInterval: open ? 10_000 : false,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/ballots', {
          params: { path: { id: p.id }, query: { limit: 500 } },
        }),
      ).items,
  });
  const record = useMutation({
    mutationFn: async (b: { flatId: string; answer: Answer }) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/ballots', {
          params: { path: { id: p.id } },
          body: { ballots: [b] },
        }),
      ),
    onSuccess: (tally) => {
      qc.setQueryData(['vote', p.id], tally);
      void qc.invalidateQueries({ queryKey: ['ballots', p.id] });
    },
  });
  const v = vote.data;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('vote.title')}
        extra={
          v && (
            <Tag color={v.passed ? 'green' : 'orange'} data-testid="vote-result">
              {v.passed ? t('vote.passed') : t('vote.notPassed')}
            </Tag>
          )
        }
      >
        {v && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t('vote.totals', {
              flats: v.totals.participatingFlats,
              of: v.totals.flats,
              agree: v.totals.agreeFlats,
            })}
          </Typography.Paragraph>
        )}
        {v && <VoteConditions vote={v} />}
        {!open && (
          <Typography.Text type="secondary">
            {p.phase === 'preparation' ? t('vote.notOpen') : t('vote.closed')}
          </Typography.Text>
        )}
      </Card>
      <Card size="small" title={t('vote.sheet')}>
        {record.error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 8 }}
            message={problem(record.error, t('error.generic'))}
          />
        )}
        <Table<Schemas['BallotView']>
          size="small"
          rowKey="flatId"
          loading={ballots.isLoading}
          dataSource={ballots.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            ...(phone
              ? [
                  {
                    title: t('vote.flat'),
                    key: 'flat',
                    render: (_: unknown, b: Schemas['BallotView']) => (
                      <Space direction="vertical" size={0}>
                        <Typography.Text strong>{b.number}</Typography.Text>
                        <Typography.Text type="secondary" style={{ fontSize: '0.875em' }}>
                          {t('vote.floorArea', { floor: b.floor, area: b.areaM2 })}
                        </Typography.Text>
                        {b.recordedAt && (
                          <Typography.Text type="secondary" style={{ fontSize: '0.875em' }}>
                            {t('vote.castOn', { day: b.castOn ?? '—' })} · {b.recordedBy ?? ''}
                          </Typography.Text>
                        )}
                      </Space>
                    ),
                  },
                ]
              : [
                  { title: t('vote.flat'), dataIndex: 'number' },
                  { title: t('vote.floor'), dataIndex: 'floor' },
                  { title: t('vote.area'), dataIndex: 'areaM2', render: (a: number) => `${a} m²` },
                ]),
            {
              title: t('vote.answer'),
              key: 'answer',
              render: (_: unknown, b: Schemas['BallotView']) =>
                manager && open ? (
                  <Segmented<Answer>
                    size="small"
                    vertical={phone}
                    value={b.answer ?? 'none'}
                    disabled={record.isPending}
                    data-testid={`ballot-${b.number}`}
                    onChange={(answer) => record.mutate({ flatId: b.flatId, answer })}
                    options={(['agree', 'disagree', 'abstain', 'none'] as Answer[]).map((a) => ({
                      value: a,
                      label: t(`vote.answers.${a}`),
                    }))}
                  />
                ) : b.answer ? (
                  <Tag color={b.answer === 'agree' ? 'green' : b.answer === 'disagree' ? 'red' : 'default'}>
                    {t(`vote.answers.${b.answer}`)}
                  </Tag>
                ) : (
                  '—'
                ),
            },
            ...(phone
              ? []
              : [
                  {
                    title: t('vote.recorded'),
                    key: 'recorded',
                    render: (_: unknown, b: Schemas['BallotView']) =>
                      b.recordedAt
                        ? `${t('vote.castOn', { day: b.castOn ?? '—' })} · ${b.recordedBy ?? ''}（${t('vote.enteredAt', { at: fmtDateTime(b.recordedAt) })}）`
                        : '',
                  },
                ]),
          ]}
        />
      </Card>
    </Space>
  );
}
