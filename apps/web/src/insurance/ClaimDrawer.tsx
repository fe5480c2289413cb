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
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { Chart } from '../ui/Chart';
import { fmtDateTime, fmtMoney } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { Documents } from './ClaimDocuments';

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

export function ClaimDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
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
          {/* on a phone the labels go above their values: beside them they wrapped one character a line */}
          <Descriptions
            size="small"
            column={1}
            bordered
            layout={phone ? 'vertical' : 'horizontal'}
            styles={{ label: { whiteSpace: 'nowrap' } }}
          >
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
