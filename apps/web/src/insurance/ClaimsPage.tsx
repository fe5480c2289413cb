import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  Input,
  InputNumber,
  Radio,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Upload,
  Select,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UploadOutlined } from '@ant-design/icons';
import { api, ApiError, authToken, download, type Schemas, unwrap } from '../api/client';
import { fmtDate } from '../ui/format';
import { Chart } from '../ui/Chart';
import { fmtDateTime, fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';

type Claim = Schemas['ClaimView'];
type Action =
  | 'survey'
  | 'request_documents'
  | 'receive_documents'
  | 'decide_liability'
  | 'assess'
  | 'pay'
  | 'close'
  | 'reject';

/** The insurer's next steps from each stage (the platform checks them again). */
const NEXT: Record<string, Action[]> = {
  reported: ['survey', 'reject'],
  surveying: ['decide_liability', 'request_documents', 'reject'],
  documents_requested: ['receive_documents', 'reject'],
  documents_received: ['decide_liability', 'request_documents', 'reject'],
  liability_decided: ['assess', 'reject'],
  assessed: ['pay'],
  paid: ['close'],
};

interface EvidenceAlarm {
  id: string;
  type: string;
  firstSeenTs: string;
  conditionClearedTs: string | null;
  trappedSeconds: number | null;
}

interface Bundle {
  frozenAt?: string;
  incident?: { alarmId: string | null; match: string | null; chosenBy: string; reason: string | null };
  alarms?: EvidenceAlarm[];
  otherAlarms?: EvidenceAlarm[];
  entrapment?: { trappedSeconds: number | null } | null;
  maintenance?: { chain?: { valid: boolean; records: number } };
  inspection?: { state?: string };
  telemetry?: { samples?: Array<{ ts: string; floor: number | null; running: boolean }> };
}

/**
 * The insurer's claims queue: each claim's stage and how long it has been there against the
 * stage's target, and a claim's detail with the evidence the elevator froze at filing (a chart of
 * the telemetry window, trapped time, maintenance chain, inspection) and the next stage's action.
 */
export default function ClaimsPage() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['claims'],
    queryFn: async () => unwrap(await api.GET('/api/v1/claims', { params: { query: { limit: 200 } } })),
  });
  const queue = (
    <Card size="small" title={t('claims.queue')} data-testid="claims-page">
      <Table<Claim>
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, size: 'small' }}
        onRow={(c) =>
          ({
            onClick: () => setOpen(c.id),
            style: { cursor: 'pointer' },
            'data-claim': c.claimNumber,
          }) as object
        }
        columns={[
          { title: t('claims.number'), dataIndex: 'claimNumber' },
          { title: t('claims.stage'), render: (_, c) => <Tag>{t(`claimStatus.${c.status}`)}</Tag> },
          {
            title: t('claims.age'),
            render: (_, c) => (
              <Typography.Text type={c.slaOverdue ? 'danger' : undefined}>
                {t('claims.hours', { hours: c.ageHours })}
                {c.slaOverdue ? ` · ${t('claims.overdue')}` : ''}
              </Typography.Text>
            ),
          },
          ...(phone
            ? []
            : [
                {
                  title: t('claims.incident'),
                  render: (_: unknown, c: Claim) => t(`incident.${c.incidentType}`),
                },
                { title: t('claims.at'), render: (_: unknown, c: Claim) => fmtDateTime(c.incidentAt) },
              ]),
        ]}
      />
      <ClaimDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
  return (
    <Tabs
      items={[
        { key: 'queue', label: t('claims.queue'), children: queue },
        { key: 'policies', label: t('claims.policies'), children: <Policies /> },
        { key: 'totals', label: t('claims.totals'), children: <Totals /> },
      ]}
    />
  );
}

function ClaimDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const qc = useQueryClient();
  const [liability, setLiability] = useState<'accepted' | 'partial'>('accepted');
  const [amountYuan, setAmountYuan] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const claim = useQuery({
    queryKey: ['claim', id],
    enabled: id !== null,
    queryFn: async () => unwrap(await api.GET('/api/v1/claims/{id}', { params: { path: { id: id ?? '' } } })),
  });
  const evidence = useQuery({
    queryKey: ['claim', id, 'evidence'],
    enabled: id !== null,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/claims/{id}/evidence', { params: { path: { id: id ?? '' } } })),
  });
  const act = useMutation({
    mutationFn: async (v: { action: Action; body: Schemas['ClaimActionDto'] }) =>
      unwrap(
        await api.POST('/api/v1/claims/{id}/{action}', {
          params: { path: { id: id ?? '', action: v.action } },
          body: v.body,
        }),
      ),
    onSuccess: (d) => {
      qc.setQueryData(['claim', id], d);
      void qc.invalidateQueries({ queryKey: ['claims'] });
    },
  });
  const c = claim.data;
  const bundle = (evidence.data?.bundle ?? {}) as Bundle;
  const samples = bundle.telemetry?.samples ?? [];
  const body = (action: Action): Schemas['ClaimActionDto'] => {
    if (action === 'decide_liability') return { liability };
    if (action === 'assess')
      return { amountFen: Math.round((amountYuan ?? (c?.suggestedPayout?.totalFen ?? 0) / 100) * 100) };
    if (action === 'reject') return { reason };
    return {};
  };
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={phone ? '100%' : 560}
      title={c?.claimNumber ?? t('claims.queue')}
      destroyOnHidden
    >
      {c && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="claim-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('claims.stage')}>
              <Tag color={c.slaOverdue ? 'red' : 'blue'} data-testid="claim-status">
                {t(`claimStatus.${c.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('claims.incident')}>
              {t(`incident.${c.incidentType}`)} · {fmtDateTime(c.incidentAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('claims.policy')}>{c.policyNumber}</Descriptions.Item>
            <Descriptions.Item label={t('claims.description')}>{c.description}</Descriptions.Item>
            {c.suggestedPayout && (
              <Descriptions.Item label={t('claims.suggested')}>
                {fmtMoney(c.suggestedPayout.totalFen)} (
                {t('claims.trapped', { minutes: c.suggestedPayout.trappedMinutes })})
              </Descriptions.Item>
            )}
            {c.assessedAmountFen !== null && (
              <Descriptions.Item label={t('claims.assessed')}>
                {fmtMoney(c.assessedAmountFen)}
              </Descriptions.Item>
            )}
          </Descriptions>

          <Card size="small" title={t('claims.evidence')} data-testid="claim-evidence">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag color={evidence.data?.intact ? 'green' : 'red'}>
                  {evidence.data?.intact ? t('claims.intact') : t('claims.tampered')}
                </Tag>
                <Tag color={bundle.maintenance?.chain?.valid ? 'green' : 'red'}>
                  {t('claims.chain', { n: bundle.maintenance?.chain?.records ?? 0 })}
                </Tag>
                <Tag>
                  {t('claims.inspection', {
                    state: t(`public.inspectionState.${bundle.inspection?.state ?? 'unknown'}`),
                  })}
                </Tag>
                {bundle.entrapment?.trappedSeconds != null && (
                  <Tag color="red">
                    {t('claims.trappedFor', { seconds: Math.round(bundle.entrapment.trappedSeconds) })}
                  </Tag>
                )}
              </Space>
              <div data-testid="claim-incident">
                <Typography.Text strong>{t('claims.incidentAlarm')}</Typography.Text>{' '}
                {bundle.alarms?.[0] ? (
                  <span>
                    {fmtDateTime(bundle.alarms[0].firstSeenTs, true)} –{' '}
                    {fmtDateTime(bundle.alarms[0].conditionClearedTs, true)}
                    {' · '}
                    {t(`claims.match.${bundle.incident?.match ?? 'none'}`)}
                    {bundle.incident?.chosenBy && bundle.incident.chosenBy !== 'platform'
                      ? ` · ${t(`claims.chosenBy.${bundle.incident.chosenBy}`)}${bundle.incident.reason ? `（${bundle.incident.reason}）` : ''}`
                      : ''}
                  </span>
                ) : (
                  <Typography.Text type="secondary">{t('claims.noIncidentAlarm')}</Typography.Text>
                )}
              </div>
              {(bundle.otherAlarms ?? []).length > 0 && (
                <div data-testid="claim-other-alarms">
                  <Typography.Text type="secondary">{t('claims.otherAlarms')}</Typography.Text>
                  {(bundle.otherAlarms ?? []).map((o) => (
                    <div key={o.id} style={{ fontSize: 13 }}>
                      <Tag>{t('claims.notThisIncident')}</Tag>
                      {fmtDateTime(o.firstSeenTs, true)} – {fmtDateTime(o.conditionClearedTs, true)}
                      {o.trappedSeconds != null
                        ? ` · ${t('claims.trappedFor', { seconds: Math.round(o.trappedSeconds) })}`
                        : ''}
                    </div>
                  ))}
                </div>
              )}
              {samples.length > 0 ? (
                <Chart
                  testId="claim-evidence-chart"
                  height={180}
                  option={{
                    animation: false,
                    tooltip: { trigger: 'axis' },
                    grid: { left: 36, right: 12, top: 16, bottom: 24 },
                    xAxis: { type: 'time', axisLabel: { formatter: '{HH}:{mm}:{ss}', hideOverlap: true } },
                    yAxis: { type: 'value', name: t('claims.floor'), minInterval: 1 },
                    series: [
                      {
                        type: 'line',
                        step: 'end',
                        showSymbol: false,
                        data: samples.map((s) => [s.ts, s.floor]),
                      },
                    ],
                  }}
                />
              ) : (
                <Typography.Text type="secondary">{t('claims.noTelemetry')}</Typography.Text>
              )}
            </Space>
          </Card>

          {(NEXT[c.status] ?? []).length > 0 && (
            <Card size="small" title={t('claims.next')}>
              <Space direction="vertical" style={{ width: '100%' }}>
                {c.status === 'surveying' || c.status === 'documents_received' ? (
                  <Radio.Group
                    value={liability}
                    onChange={(e) => setLiability(e.target.value as 'accepted' | 'partial')}
                  >
                    <Radio value="accepted">{t('claims.accepted')}</Radio>
                    <Radio value="partial">{t('claims.partial')}</Radio>
                  </Radio.Group>
                ) : null}
                {c.status === 'liability_decided' && (
                  <InputNumber
                    addonBefore="¥"
                    min={0}
                    style={{ width: '100%' }}
                    placeholder={c.suggestedPayout ? String(c.suggestedPayout.totalFen / 100) : undefined}
                    value={amountYuan}
                    onChange={(v) => setAmountYuan(v)}
                    data-testid="claim-amount"
                  />
                )}
                {(NEXT[c.status] ?? []).includes('reject') && (
                  <Input
                    placeholder={t('claims.reason')}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                  />
                )}
                <Space wrap>
                  {(NEXT[c.status] ?? []).map((a) => (
                    <Button
                      key={a}
                      type={a === 'reject' ? 'default' : 'primary'}
                      danger={a === 'reject'}
                      loading={act.isPending && act.variables?.action === a}
                      onClick={() => act.mutate({ action: a, body: body(a) })}
                      data-testid={`claim-action-${a}`}
                    >
                      {t(`claimAction.${a}`)}
                    </Button>
                  ))}
                </Space>
                {act.error && (
                  <Alert
                    type="error"
                    message={act.error instanceof ApiError ? act.error.message : String(act.error)}
                  />
                )}
              </Space>
            </Card>
          )}

          <Documents
            claimId={c.id}
            documents={c.documents}
            finished={['closed', 'rejected'].includes(c.status)}
          />

          <Card size="small" title={t('claims.history')}>
            <Timeline
              items={c.events.map((e) => ({
                children: (
                  <span>
                    {t(`claimStatus.${e.toStatus}`)} · {fmtDateTime(e.at)} · {e.actor}
                    {e.note ? ` — ${e.note}` : ''}
                  </span>
                ),
              }))}
            />
          </Card>
        </Space>
      )}
    </Drawer>
  );
}

const DOCUMENT_KINDS = ['photo', 'invoice', 'medical_report', 'incident_report', 'video', 'other'] as const;
type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The claim's documents: each opens as uploaded (its SHA-256 shown); new ones until the claim ends. */
function Documents({
  claimId,
  documents,
  finished,
}: {
  claimId: string;
  documents: Schemas['DocumentView'][];
  finished: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [kind, setKind] = useState<DocumentKind>('photo');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', file, file.name);
      const res = await fetch(`/api/v1/claims/${claimId}/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${authToken() ?? ''}` },
        body: form,
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as {
          message?: string;
          fields?: Array<{ messages: string[] }>;
        };
        setError(body.fields?.[0]?.messages.join(', ') ?? body.message ?? `${res.status}`);
      }
      await qc.invalidateQueries({ queryKey: ['claim', claimId] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('claims.documents', { count: documents.length })}
      data-testid="claim-documents"
    >
      <Table<Schemas['DocumentView']>
        size="small"
        rowKey="id"
        dataSource={documents}
        pagination={false}
        locale={{ emptyText: t('claims.noDocuments') }}
        columns={[
          {
            title: t('claims.document'),
            render: (_, d) => (
              <Space direction="vertical" size={0}>
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                  onClick={() => void download(`/api/v1/claims/${claimId}/documents/${d.id}`, d.filename)}
                >
                  {d.filename}
                </Button>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} title={`SHA-256 ${d.sha256}`}>
                  {t(`documentKind.${d.kind}`)} · {fmtDateTime(d.uploadedAt)} · {d.uploadedBy}
                </Typography.Text>
              </Space>
            ),
          },
        ]}
      />
      {!finished && (
        <Space wrap style={{ marginTop: 8 }}>
          <Select<DocumentKind>
            value={kind}
            onChange={setKind}
            style={{ width: 150 }}
            options={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`documentKind.${k}`) }))}
          />
          <Upload
            showUploadList={false}
            accept="image/jpeg,image/png,image/webp,application/pdf,video/mp4"
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy} data-testid="claim-upload">
              {t('claims.upload')}
            </Button>
          </Upload>
        </Space>
      )}
      {error && <Alert style={{ marginTop: 8 }} type="error" showIcon message={error} />}
    </Card>
  );
}

/** The insurer's policies: number, policyholder, period, premium and status. */
function Policies() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [page, setPage] = useState(1);
  const policies = useQuery({
    queryKey: ['policies', page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/insurance/policies', {
          params: { query: { limit: 20, offset: (page - 1) * 20 } },
        }),
      ),
  });
  return (
    <Card size="small" data-testid="policies">
      <Table<Schemas['PolicyView']>
        size="small"
        rowKey="id"
        loading={policies.isLoading}
        dataSource={policies.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: 20,
          total: policies.data?.total ?? 0,
          onChange: setPage,
          size: 'small',
        }}
        columns={[
          { title: t('claims.policy'), dataIndex: 'policyNumber' },
          { title: t('claims.policyholder'), dataIndex: 'policyholderName' },
          {
            title: t('claims.period'),
            render: (_, p) => `${fmtDate(p.startsOn)} – ${fmtDate(p.endsOn)}`,
          },
          ...(phone
            ? []
            : [
                {
                  title: t('claims.elevators'),
                  render: (_: unknown, p: Schemas['PolicyView']) => p.elevatorIds.length,
                },
                {
                  title: t('claims.premium'),
                  align: 'right' as const,
                  render: (_: unknown, p: Schemas['PolicyView']) => fmtMoney(p.premiumFen),
                },
              ]),
          {
            title: t('claims.policyStatus'),
            render: (_, p) => (
              <Tag color={p.status === 'active' ? 'green' : 'default'}>{t(`policyStatus.${p.status}`)}</Tag>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Claims per month of filing over the last year: filed, open, rejected, paid, assessed and paid amounts. */
function Totals() {
  const { t } = useTranslation();
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const totals = useQuery({
    queryKey: ['claim-totals'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/reports/claim-totals', { params: { query: { from } } })),
  });
  const rows = totals.data ?? [];
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="claim-totals">
      <Card size="small" title={t('claims.totals')}>
        <Chart
          testId="claim-totals-chart"
          height={220}
          option={{
            animation: false,
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: [t('claims.filed'), t('claims.paidFen')] },
            grid: { left: 48, right: 48, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: rows.map((r) => r.period) },
            yAxis: [
              { type: 'value', minInterval: 1 },
              { type: 'value', axisLabel: { formatter: (v: number) => `¥${v}` } },
            ],
            series: [
              { name: t('claims.filed'), type: 'bar', data: rows.map((r) => r.filed) },
              {
                name: t('claims.paidFen'),
                type: 'line',
                yAxisIndex: 1,
                data: rows.map((r) => r.paidFen / 100),
              },
            ],
          }}
        />
      </Card>
      <Card size="small">
        <Table<Schemas['ClaimTotals']>
          size="small"
          rowKey="period"
          loading={totals.isLoading}
          dataSource={[...rows].reverse()}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('statements.month'), dataIndex: 'period' },
            { title: t('claims.filed'), dataIndex: 'filed', align: 'right' },
            { title: t('claims.open'), dataIndex: 'open', align: 'right' },
            { title: t('claims.rejected'), dataIndex: 'rejected', align: 'right' },
            { title: t('claims.paid'), dataIndex: 'paid', align: 'right' },
            {
              title: t('claims.assessedFen'),
              dataIndex: 'assessedFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
            {
              title: t('claims.paidFen'),
              dataIndex: 'paidFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
