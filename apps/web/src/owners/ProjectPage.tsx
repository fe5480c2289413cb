import { EyeOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Segmented,
  Space,
  Steps,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { fmtDate, fmtDateTime, fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { VoteConditions } from './HomePage';
import { asScheme, PHASES, type Phase, type Project, schemeText } from './text';

type Answer = 'agree' | 'disagree' | 'abstain' | 'none';
type AgreementBody = Schemas['AgreementDto'];
type SchemeKind = AgreementBody['runningScheme']['kind'];
const SCHEME_KINDS: SchemeKind[] = ['floor_coefficient', 'area', 'coefficient_area', 'custom_percent'];

/** The error's field messages, for a form's or an alert's text. */
function problem(e: unknown, fallback: string): string {
  if (!(e instanceof ApiError)) return fallback;
  const fields = e.fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
  return fields || e.message;
}

/**
 * The owners' agent runs the retrofit project here: phases opened by dated documents, the ballots
 * with the vote's four conditions updating as they are recorded, agreement versions with a preview
 * of each flat's share before one is recorded, cost entries and issuing a month's statement.
 * Owners open the same screen read-only.
 */
export default function ProjectPage() {
  const { t } = useTranslation();
  const user = useUser();
  const manager = user.role === 'agent' || user.role === 'admin';
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 100 } } })).items,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const list = projects.data ?? [];
  const project = list.find((p) => p.id === selected) ?? list[0];
  if (!projects.isLoading && !project)
    return user.role === 'agent' ? (
      <StartProject />
    ) : (
      <Card>
        <Empty description={t('project.none')} />
      </Card>
    );
  if (!project) return null;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="project-page">
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          {list.length > 1 ? (
            <Select
              style={{ minWidth: 280 }}
              value={project.id}
              onChange={setSelected}
              options={list.map((p) => ({ value: p.id, label: p.name }))}
              showSearch
              optionFilterProp="label"
            />
          ) : (
            <Typography.Title level={5} style={{ margin: 0 }}>
              {project.name}
            </Typography.Title>
          )}
          <Tag color="blue" data-testid="project-phase">
            {t(`phase.${project.phase}`)}
          </Tag>
        </Space>
      </Card>
      <Tabs
        defaultActiveKey={project.phase === 'consent_vote' ? 'vote' : 'phases'}
        items={[
          {
            key: 'phases',
            label: t('project.phases'),
            children: <Phases project={project} manager={manager} />,
          },
          { key: 'vote', label: t('project.vote'), children: <Vote project={project} manager={manager} /> },
          {
            key: 'agreement',
            label: t('project.agreement'),
            children: <Agreement project={project} manager={manager} />,
          },
          ...(manager
            ? [
                { key: 'costs', label: t('project.costs'), children: <Costs project={project} /> },
                { key: 'statements', label: t('project.statements'), children: <Issue project={project} /> },
              ]
            : []),
        ]}
      />
    </Space>
  );
}

function StartProject() {
  const { t } = useTranslation();
  const user = useUser();
  const qc = useQueryClient();
  const start = useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST('/api/v1/projects', { body: { unitId: user.unitId ?? '', name } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['projects'] }),
  });
  return (
    <Card title={t('project.start')}>
      <Form layout="vertical" onFinish={(v: { name: string }) => start.mutate(v.name)}>
        <Form.Item name="name" label={t('project.name')} rules={[{ required: true, max: 200 }]}>
          <Input placeholder={t('project.namePlaceholder')} />
        </Form.Item>
        {start.error && <Alert type="error" message={problem(start.error, t('error.generic'))} />}
        <Button type="primary" htmlType="submit" loading={start.isPending}>
          {t('project.start')}
        </Button>
      </Form>
    </Card>
  );
}

function Phases({ project: p, manager }: { project: Project; manager: boolean }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const qc = useQueryClient();
  const next: Phase | undefined = PHASES[PHASES.indexOf(p.phase) + 1];
  const [on, setOn] = useState<Dayjs>(dayjs());
  const advance = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/phase', {
          params: { path: { id: p.id } },
          body: { phase: next ?? 'in_operation', on: on.format('YYYY-MM-DD') },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['projects'] }),
  });
  return (
    <Card size="small">
      <Steps
        direction={phone ? 'vertical' : 'horizontal'}
        size="small"
        current={PHASES.indexOf(p.phase)}
        items={PHASES.map((ph) => ({
          title: t(`phase.${ph}`),
          description: p.phaseDates[ph] ? fmtDate(p.phaseDates[ph]) : t(`phaseHint.${ph}`),
        }))}
      />
      {manager && next && (
        <Space wrap style={{ marginTop: 16 }}>
          <span>{t('project.openNext', { phase: t(`phase.${next}`) })}</span>
          <DatePicker value={on} allowClear={false} onChange={(d) => d && setOn(d)} />
          <Button
            type="primary"
            loading={advance.isPending}
            onClick={() => advance.mutate()}
            data-testid="phase-next"
          >
            {t('project.open')}
          </Button>
        </Space>
      )}
      {advance.error && (
        <Alert
          style={{ marginTop: 8 }}
          type="error"
          showIcon
          message={problem(advance.error, t('error.generic'))}
        />
      )}
    </Card>
  );
}

function Vote({ project: p, manager }: { project: Project; manager: boolean }) {
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
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('vote.floorArea', { floor: b.floor, area: b.areaM2 })}
                        </Typography.Text>
                        {b.recordedAt && (
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
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

interface SchemeForm {
  kind: SchemeKind;
  guangzhou: boolean;
}

function schemeForm(raw: object): SchemeForm {
  const s = asScheme(raw);
  return { kind: s?.kind ?? 'area', guangzhou: !!s?.floorCoefficients };
}

interface AgreementForm {
  signedOn: Dayjs;
  budgetYuan: number;
  subsidyYuan?: number;
  construction: SchemeForm;
  compensationYuan?: number;
  running: SchemeForm;
  operatingModel: AgreementBody['operatingModel'];
  leaseYuan?: number;
  rideYuan?: number;
  payee?: string;
  paymentDueDay?: number;
}

const fen = (yuan: number | undefined): number | undefined =>
  yuan === undefined || yuan === null ? undefined : Math.round(yuan * 100);

function toBody(f: AgreementForm): AgreementBody {
  const scheme = (s: SchemeForm, compensation?: number): AgreementBody['runningScheme'] => {
    const out: AgreementBody['runningScheme'] = { kind: s.kind };
    if (s.guangzhou && (s.kind === 'floor_coefficient' || s.kind === 'coefficient_area'))
      out.preset = 'guangzhou';
    if (compensation) out.groundFloorCompensationFen = compensation;
    return out;
  };
  const body: AgreementBody = {
    signedOn: f.signedOn.format('YYYY-MM-DD'),
    constructionBudgetFen: fen(f.budgetYuan) ?? 0,
    constructionScheme: scheme(f.construction, fen(f.compensationYuan)),
    runningScheme: scheme(f.running),
    operatingModel: f.operatingModel,
    paymentDueDay: f.paymentDueDay ?? 15,
  };
  const subsidy = fen(f.subsidyYuan);
  if (subsidy) body.subsidyFen = subsidy;
  const lease = fen(f.leaseYuan);
  if (f.operatingModel === 'leased' && lease !== undefined) body.leaseMonthlyFeeFen = lease;
  const ride = fen(f.rideYuan);
  if (f.operatingModel === 'shared' && ride !== undefined) body.ridePriceFen = ride;
  if (f.payee) body.payee = f.payee;
  return body;
}

/** The scheme's kind and whether the Guangzhou coefficients fill it, for one split of the agreement. */
function SchemeFields({ name, label }: { name: 'construction' | 'running'; label: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={[name, 'kind']} label={label}>
        <Select
          style={{ width: 220 }}
          options={SCHEME_KINDS.filter((k) => k !== 'custom_percent').map((k) => ({
            value: k,
            label: t(`schemeKind.${k}`),
          }))}
        />
      </Form.Item>
      <Form.Item name={[name, 'guangzhou']} label={t('agreement.preset')}>
        <Select
          style={{ width: 200 }}
          options={[
            { value: true, label: t('agreement.guangzhou') },
            { value: false, label: '—' },
          ]}
        />
      </Form.Item>
    </>
  );
}

function Agreement({ project: p, manager }: { project: Project; manager: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AgreementForm>();
  const model = Form.useWatch('operatingModel', form);
  const versions = useQuery({
    queryKey: ['agreements', p.id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/agreements', {
          params: { path: { id: p.id }, query: { limit: 500 } },
        }),
      ).items,
  });
  const [preview, setPreview] = useState<Schemas['AgreementPreviewView'] | null>(null);
  const previewing = useMutation({
    mutationFn: async (f: AgreementForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/agreement/preview', {
          params: { path: { id: p.id } },
          body: toBody(f),
        }),
      ),
    onSuccess: setPreview,
  });
  const recording = useMutation({
    mutationFn: async (f: AgreementForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/agreement', {
          params: { path: { id: p.id } },
          body: toBody(f),
        }),
      ),
    onSuccess: () => {
      setPreview(null);
      void message.success(t('agreement.recorded'));
      void qc.invalidateQueries({ queryKey: ['agreements', p.id] });
      void qc.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  const latest = versions.data?.[0];
  useEffect(() => {
    // start a new version from the one in force
    if (!latest) return;
    form.setFieldsValue({
      budgetYuan: latest.constructionBudgetFen / 100,
      subsidyYuan: latest.subsidyFen / 100,
      construction: schemeForm(latest.constructionScheme),
      running: schemeForm(latest.runningScheme),
      operatingModel: latest.operatingModel,
    });
  }, [latest, form]);
  const canRecord = manager && p.phase !== 'preparation';
  const totals = useMemo(
    () =>
      preview
        ? preview.flats.reduce(
            (a, f) => ({ c: a.c + f.constructionFen, s: a.s + f.subsidyFen, r: a.r + f.runningBasisPoints }),
            { c: 0, s: 0, r: 0 },
          )
        : null,
    [preview],
  );
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('agreement.versions')}>
        {(versions.data ?? []).length === 0 ? (
          <Typography.Text type="secondary">{t('agreement.none')}</Typography.Text>
        ) : (
          <Collapse
            size="small"
            defaultActiveKey={latest ? [latest.id] : []}
            items={(versions.data ?? []).map((a, i) => ({
              key: a.id,
              label: (
                <Space wrap>
                  {t('agreement.versionOf', { version: a.version, date: fmtDate(a.signedOn) })}
                  {i === 0 && <Tag color="green">{t('agreement.current')}</Tag>}
                </Space>
              ),
              children: (
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('agreement.budget')}>
                    {fmtMoney(a.constructionBudgetFen)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.subsidy')}>
                    {fmtMoney(a.subsidyFen)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.construction')}>
                    {schemeText(a.constructionScheme, t)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.running')}>
                    {schemeText(a.runningScheme, t)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.model')}>
                    {t(`operatingModel.${a.operatingModel}`)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.by')}>
                    {a.createdBy} · {fmtDateTime(a.createdAt)}
                  </Descriptions.Item>
                </Descriptions>
              ),
            }))}
          />
        )}
      </Card>
      {canRecord && (
        <Card size="small" title={t('agreement.draft', { version: (latest?.version ?? 0) + 1 })}>
          <Form<AgreementForm>
            form={form}
            layout="vertical"
            initialValues={{
              signedOn: dayjs(),
              construction: { kind: 'floor_coefficient', guangzhou: true },
              running: { kind: 'floor_coefficient', guangzhou: true },
              operatingModel: 'owner_run',
              paymentDueDay: 15,
            }}
            onValuesChange={() => setPreview(null)}
            onFinish={(f) => previewing.mutate(f)}
          >
            <Space wrap align="start">
              <Form.Item name="signedOn" label={t('agreement.signedOn')} rules={[{ required: true }]}>
                <DatePicker allowClear={false} />
              </Form.Item>
              <Form.Item name="budgetYuan" label={t('agreement.budgetYuan')} rules={[{ required: true }]}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} data-testid="agreement-budget" />
              </Form.Item>
              <Form.Item name="subsidyYuan" label={t('agreement.subsidyYuan')}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} />
              </Form.Item>
            </Space>
            <Space wrap align="start">
              <SchemeFields name="construction" label={t('agreement.construction')} />
              <Form.Item name="compensationYuan" label={t('agreement.compensationYuan')}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} />
              </Form.Item>
            </Space>
            <Space wrap align="start">
              <SchemeFields name="running" label={t('agreement.running')} />
              <Form.Item name="operatingModel" label={t('agreement.model')}>
                <Select
                  style={{ width: 180 }}
                  options={(['owner_run', 'leased', 'shared'] as const).map((m) => ({
                    value: m,
                    label: t(`operatingModel.${m}`),
                  }))}
                />
              </Form.Item>
              {model === 'leased' && (
                <Form.Item name="leaseYuan" label={t('agreement.leaseYuan')} rules={[{ required: true }]}>
                  <InputNumber min={0} precision={2} />
                </Form.Item>
              )}
              {model === 'shared' && (
                <Form.Item name="rideYuan" label={t('agreement.rideYuan')} rules={[{ required: true }]}>
                  <InputNumber min={0} precision={2} />
                </Form.Item>
              )}
            </Space>
            <Space wrap align="start">
              <Form.Item name="payee" label={t('agreement.payee')} style={{ minWidth: 280 }}>
                <Input maxLength={200} />
              </Form.Item>
              <Form.Item name="paymentDueDay" label={t('agreement.dueDay')}>
                <InputNumber min={1} max={28} />
              </Form.Item>
            </Space>
            {(previewing.error ?? recording.error) && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 8 }}
                message={problem(previewing.error ?? recording.error, t('error.generic'))}
              />
            )}
            <Space wrap>
              <Button
                htmlType="submit"
                icon={<EyeOutlined />}
                loading={previewing.isPending}
                data-testid="agreement-preview"
              >
                {t('agreement.preview')}
              </Button>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                disabled={!preview}
                loading={recording.isPending}
                onClick={() => recording.mutate(form.getFieldsValue())}
                data-testid="agreement-record"
              >
                {t('agreement.record')}
              </Button>
              {!preview && <Typography.Text type="secondary">{t('agreement.previewFirst')}</Typography.Text>}
            </Space>
          </Form>
          {preview && totals && (
            <Table<Schemas['PreviewFlatView']>
              style={{ marginTop: 12 }}
              size="small"
              rowKey="flatId"
              data-testid="agreement-preview-table"
              dataSource={preview.flats}
              pagination={false}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('vote.flat'), dataIndex: 'number' },
                { title: t('vote.floor'), dataIndex: 'floor' },
                { title: t('vote.area'), dataIndex: 'areaM2', render: (a: number) => `${a} m²` },
                {
                  title: t('agreement.constructionShare'),
                  dataIndex: 'constructionFen',
                  align: 'right',
                  render: (v: number) => fmtMoney(v),
                },
                {
                  title: t('agreement.subsidyShare'),
                  dataIndex: 'subsidyFen',
                  align: 'right',
                  render: (v: number) => fmtMoney(v),
                },
                {
                  title: t('agreement.runningShare'),
                  dataIndex: 'runningBasisPoints',
                  align: 'right',
                  render: (v: number) => `${(v / 100).toFixed(2)}%`,
                },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={3}>
                    {t('agreement.total')}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    {fmtMoney(totals.c)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    {fmtMoney(totals.s)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell
                    index={5}
                    align="right"
                  >{`${(totals.r / 100).toFixed(2)}%`}</Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

interface CostForm {
  occurredOn: Dayjs;
  category: 'repair' | 'parts' | 'other';
  amountYuan: number;
  description: string;
}

function Costs({ project: p }: { project: Project }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<CostForm>();
  const [page, setPage] = useState(1);
  const entries = useQuery({
    queryKey: ['cost-entries', p.id, page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/cost-entries', {
          params: { path: { id: p.id }, query: { limit: 10, offset: (page - 1) * 10 } },
        }),
      ),
  });
  const add = useMutation({
    mutationFn: async (f: CostForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/cost-entries', {
          params: { path: { id: p.id } },
          body: {
            occurredOn: f.occurredOn.format('YYYY-MM-DD'),
            category: f.category,
            amountFen: Math.round(f.amountYuan * 100),
            description: f.description,
          },
        }),
      ),
    onSuccess: () => {
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['cost-entries', p.id] });
    },
  });
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('costs.add')}>
        <Form<CostForm>
          form={form}
          layout="vertical"
          initialValues={{ occurredOn: dayjs(), category: 'repair' }}
          onFinish={(f) => add.mutate(f)}
        >
          <Space wrap align="start">
            <Form.Item name="occurredOn" label={t('costs.occurredOn')} rules={[{ required: true }]}>
              <DatePicker allowClear={false} />
            </Form.Item>
            <Form.Item name="category" label={t('costs.category')}>
              <Select
                style={{ width: 140 }}
                options={(['repair', 'parts', 'other'] as const).map((c) => ({
                  value: c,
                  label: t(`costs.categories.${c}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="amountYuan"
              label={t('costs.amountYuan')}
              rules={[{ required: true }]}
              extra={t('costs.negative')}
            >
              <InputNumber precision={2} style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={t('costs.description')} rules={[{ required: true, max: 500 }]}>
            <Input />
          </Form.Item>
          {add.error && (
            <Alert
              type="error"
              style={{ marginBottom: 8 }}
              message={problem(add.error, t('error.generic'))}
            />
          )}
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('costs.save')}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={t('costs.list')}>
        <Table<Schemas['CostEntryView']>
          size="small"
          rowKey="id"
          loading={entries.isLoading}
          dataSource={entries.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize: 10,
            total: entries.data?.total ?? 0,
            onChange: setPage,
            size: 'small',
          }}
          columns={[
            { title: t('costs.occurredOn'), dataIndex: 'occurredOn' },
            {
              title: t('costs.category'),
              dataIndex: 'category',
              render: (c: string) => t(`costs.categories.${c}`),
            },
            { title: t('costs.description'), dataIndex: 'description' },
            {
              title: t('costs.amount'),
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
            { title: t('agreement.by'), dataIndex: 'createdBy' },
          ]}
        />
      </Card>
    </Space>
  );
}

function Issue({ project: p }: { project: Project }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const months = useQuery({
    queryKey: ['issuable-months', p.id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects/{id}/issuable-months', { params: { path: { id: p.id } } })),
  });
  const open = (months.data?.months ?? []).filter((m) => !m.issued);
  const [picked, setPicked] = useState<string | null>(null);
  const month = picked ?? open[0]?.month ?? null;
  const issue = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/statements', {
          params: { path: { id: p.id } },
          body: { month: month ?? '' },
        }),
      ),
    onSuccess: () => {
      setPicked(null);
      void qc.invalidateQueries({ queryKey: ['statements'] });
      void qc.invalidateQueries({ queryKey: ['issuable-months', p.id] });
    },
  });
  // what went wrong, in the reader's language, with the next step
  const issueProblem = (e: unknown): string => {
    if (!(e instanceof ApiError)) return t('error.generic');
    if (e.code === 'STATEMENT_ISSUED') return t('issue.errors.issued');
    if (e.code === 'NOT_IN_OPERATION') return t('issue.errors.notInOperation');
    if (e.fields.some((f) => f.field === 'month')) return t('issue.errors.notEnded');
    return problem(e, t('error.generic'));
  };
  return (
    <Card size="small" title={t('issue.title')}>
      <Typography.Paragraph type="secondary">{t('issue.hint')}</Typography.Paragraph>
      {months.isError ? (
        <Alert type="error" showIcon message={t('issue.errors.load')} />
      ) : months.data && !months.data.inOperationSince ? (
        <Alert type="info" showIcon message={t('issue.errors.notInOperation')} />
      ) : (
        <Space wrap>
          <Select
            style={{ minWidth: 200 }}
            loading={months.isLoading}
            value={month ?? undefined}
            placeholder={t('issue.noneOpen')}
            onChange={(m: string) => setPicked(m)}
            data-testid="issue-month"
            options={(months.data?.months ?? []).map((m) => ({
              value: m.month,
              disabled: m.issued,
              label: m.issued ? `${m.month}（${t('issue.alreadyIssued')}）` : m.month,
            }))}
          />
          <Button
            type="primary"
            loading={issue.isPending}
            disabled={!month}
            onClick={() => issue.mutate()}
            data-testid="issue-statement"
          >
            {t('issue.button')}
          </Button>
        </Space>
      )}
      {months.data?.inOperationSince && open.length === 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('issue.allIssued')}
        </Typography.Paragraph>
      )}
      {issue.error && (
        <Alert style={{ marginTop: 8 }} type="error" showIcon message={issueProblem(issue.error)} />
      )}
      {issue.data && (
        <Alert
          style={{ marginTop: 8 }}
          type="success"
          showIcon
          message={t('issue.done', {
            number: issue.data.statementNumber,
            total: fmtMoney(issue.data.totalFen),
          })}
          description={<Link to="/statements">{t('issue.open')}</Link>}
        />
      )}
    </Card>
  );
}
