import { PhoneOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Result, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { LangSwitch } from '../ui/LangSwitch';
import { Loading } from '../ui/Loading';

const KINDS = ['trapped', 'stopped', 'door', 'noise', 'other'] as const;
type Kind = (typeof KINDS)[number];

const INSPECTION_COLOR: Record<string, string> = {
  ok: 'green',
  due: 'gold',
  overdue: 'red',
  failed: 'red',
  unknown: 'default',
};

const SERVICE_COLOR: Record<string, { bg: string; fg: string }> = {
  trapped: { bg: '#fff1f0', fg: '#a8071a' },
  fault: { bg: '#fff7e6', fg: '#ad4e00' },
  out_of_service: { bg: '#fff7e6', fg: '#ad4e00' },
  inspection: { bg: '#f9f0ff', fg: '#531dab' },
  offline: { bg: '#f5f5f5', fg: '#434343' },
  running: { bg: '#f6ffed', fg: '#237804' },
  idle: { bg: '#f6ffed', fg: '#237804' },
};

/**
 * Is the car in normal service — said plainly and large, from the car's own data and open alarms
 * (a car out of service in the registry is 停用 whatever it reports) — and what is overdue beside it.
 */
function ServiceBanner({ e }: { e: Schemas['PublicElevatorView'] }) {
  const { t } = useTranslation();
  const state = e.status !== 'in_service' ? 'out_of_service' : e.serviceStatus;
  const c = SERVICE_COLOR[state] ?? SERVICE_COLOR.offline;
  const inspectionBad = e.inspection.state === 'overdue' || e.inspection.state === 'failed';
  return (
    <div
      data-testid="public-service"
      data-status={state}
      style={{
        background: c.bg,
        color: c.fg,
        borderRadius: 8,
        padding: '12px 14px',
        border: `1px solid ${c.fg}33`,
      }}
    >
      <div style={{ fontSize: 20, fontWeight: 600 }}>{t(`public.service.${state}`)}</div>
      <div style={{ fontSize: 15 }}>{t(`public.serviceHint.${state}`)}</div>
      {inspectionBad && (
        <div style={{ fontSize: 15, fontWeight: 600, marginTop: 6 }} data-testid="public-inspection-overdue">
          {t(
            e.inspection.state === 'failed'
              ? 'public.inspectionFailedPlain'
              : 'public.inspectionOverduePlain',
          )}
        </div>
      )}
      {e.maintenanceOverdue && (
        <div style={{ fontSize: 15, fontWeight: 600, marginTop: 6 }} data-testid="public-maintenance-overdue">
          {t('public.maintenanceOverduePlain')}
        </div>
      )}
    </div>
  );
}

/**
 * Why the page could not be shown: a code that does not exist or is cut short, or the platform
 * busy or out of reach — then a retry and what to do if someone is trapped, which needs no data.
 */
function PageError({ error, code, retry }: { error: Error; code: string; retry: () => void }) {
  const { t } = useTranslation();
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 404 || status === 400) {
    return (
      <Result
        status="404"
        title={t('public.notFound')}
        subTitle={status === 400 ? t('public.badCode') : code}
      />
    );
  }
  const seconds = error instanceof ApiError ? error.retryAfterSeconds : null;
  return (
    <Result
      status="warning"
      title={t('public.unavailable')}
      subTitle={seconds ? t('public.unavailableBusy', { seconds }) : t('public.unavailableHint')}
      extra={
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert
            type="error"
            showIcon
            message={t('public.trappedFallback')}
            data-testid="public-trapped-fallback"
          />
          <Button type="primary" onClick={retry}>
            {t('public.retry')}
          </Button>
        </Space>
      }
    />
  );
}

/**
 * The page behind the QR code in every car (一梯一码), for passengers and inspectors, without a
 * login: who to call, who maintains the elevator and when it was last maintained and inspected,
 * whether it is insured; and a short form that puts a report on the maintenance firm's panel.
 * Made for a phone held in one hand.
 */
export default function PublicElevatorPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const page = useQuery({
    queryKey: ['public', code],
    retry: false,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/public/elevators/{registrationCode}', {
          params: { path: { registrationCode: code } },
        }),
      ),
  });
  const send = useMutation({
    mutationFn: async (body: Schemas['PassengerReportDto']) =>
      unwrap(
        await api.POST('/api/v1/public/elevators/{registrationCode}/reports', {
          params: { path: { registrationCode: code } },
          body,
        }),
      ),
  });
  const [form] = Form.useForm<{ kind: Kind; description?: string; contactPhone?: string }>();
  const kind = Form.useWatch('kind', form);
  const e = page.data;

  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fb', padding: 12 }} data-testid="public-page">
      <div style={{ maxWidth: 480, margin: '0 auto' }}>
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
          <Space>
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <Typography.Text strong>{t('public.title')}</Typography.Text>
          </Space>
          <LangSwitch />
        </Space>
        {page.isLoading && <Loading />}
        {page.error && <PageError error={page.error} code={code} retry={() => void page.refetch()} />}
        {e && (
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Card size="small">
              <Typography.Text type="secondary">{t('public.registrationCode')}</Typography.Text>
              <Typography.Title
                level={4}
                style={{ margin: '2px 0 6px', wordBreak: 'break-all' }}
                data-testid="public-code"
              >
                {e.registrationCode}
              </Typography.Title>
              <Typography.Text>{e.place}</Typography.Text>
            </Card>

            <ServiceBanner e={e} />

            <Card size="small" styles={{ body: { background: '#fff7f5' } }} data-testid="public-emergency">
              <Space direction="vertical" style={{ width: '100%' }}>
                <Typography.Text strong>{t('public.trappedTitle')}</Typography.Text>
                <Button
                  type="primary"
                  danger
                  size="large"
                  block
                  icon={<PhoneOutlined />}
                  href={`tel:${e.emergencyHotline}`}
                  data-testid="public-hotline"
                >
                  {t('public.call', { number: e.emergencyHotline })}
                </Button>
                {e.rescueCode && (
                  <Typography.Text>
                    {t('public.rescueCode')}{' '}
                    <Typography.Text strong style={{ fontSize: 18 }} data-testid="public-rescue-code">
                      {e.rescueCode}
                    </Typography.Text>
                  </Typography.Text>
                )}
                <Typography.Text type="secondary">{t('public.trappedHint')}</Typography.Text>
              </Space>
            </Card>

            <Card size="small">
              <Descriptions size="small" column={1} colon={false} labelStyle={{ width: 128 }}>
                <Descriptions.Item label={t('public.firm')}>
                  {e.maintenanceFirm ? (
                    <Space direction="vertical" size={0}>
                      <span data-testid="public-firm">{e.maintenanceFirm.name}</span>
                      {e.maintenanceFirm.dutyPhone && (
                        <a href={`tel:${e.maintenanceFirm.dutyPhone}`}>{e.maintenanceFirm.dutyPhone}</a>
                      )}
                    </Space>
                  ) : (
                    <Typography.Text type="danger">{t('public.noFirm')}</Typography.Text>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('public.lastMaintained')}>
                  {e.lastMaintainedOn ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('public.inspection')}>
                  <Space wrap>
                    <Tag color={INSPECTION_COLOR[e.inspection.state] ?? 'default'}>
                      {t(`public.inspectionState.${e.inspection.state}`)}
                    </Tag>
                    {e.inspection.validUntilMonth && (
                      <span>{t('public.validUntil', { month: e.inspection.validUntilMonth })}</span>
                    )}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('public.insurance')}>
                  <Tag color={e.insured ? 'green' : 'default'}>
                    {e.insured ? t('public.insured') : t('public.notInsured')}
                  </Tag>
                </Descriptions.Item>
                {(e.manufacturer || e.model) && (
                  <Descriptions.Item label={t('public.maker')}>
                    {[e.manufacturer, e.model].filter(Boolean).join(' · ')}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>

            <Card size="small" title={t('public.reportTitle')}>
              {send.isSuccess ? (
                <Result
                  status="success"
                  title={t('public.reportSent')}
                  subTitle={t('public.reportSentHint', { number: e.emergencyHotline })}
                  data-testid="public-report-sent"
                />
              ) : (
                <Form
                  form={form}
                  layout="vertical"
                  requiredMark={false}
                  onFinish={(v) =>
                    send.mutate({
                      ...v,
                      description: v.description || undefined,
                      contactPhone: v.contactPhone || undefined,
                    })
                  }
                >
                  <Form.Item
                    name="kind"
                    label={t('public.kind')}
                    rules={[{ required: true, message: t('public.kindRequired') }]}
                  >
                    <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
                      {KINDS.map((k) => (
                        <Radio key={k} value={k} data-testid={`public-kind-${k}`}>
                          {t(`public.kinds.${k}`)}
                        </Radio>
                      ))}
                    </Radio.Group>
                  </Form.Item>
                  {kind === 'trapped' && (
                    <Alert
                      type="error"
                      showIcon
                      style={{ marginBottom: 12 }}
                      message={t('public.trappedAlso', { number: e.emergencyHotline })}
                    />
                  )}
                  <Form.Item name="description" label={t('public.description')}>
                    <Input.TextArea rows={3} maxLength={500} showCount />
                  </Form.Item>
                  <Form.Item
                    name="contactPhone"
                    label={t('public.contactPhone')}
                    extra={t('public.contactHint')}
                  >
                    <Input inputMode="tel" maxLength={20} />
                  </Form.Item>
                  {send.error && (
                    <Alert
                      type="error"
                      style={{ marginBottom: 12 }}
                      message={
                        send.error instanceof ApiError && send.error.status === 429
                          ? t('public.tooMany', { number: e.emergencyHotline })
                          : send.error.message
                      }
                    />
                  )}
                  <Button
                    type="primary"
                    htmlType="submit"
                    block
                    size="large"
                    loading={send.isPending}
                    data-testid="public-report-submit"
                  >
                    {t('public.send')}
                  </Button>
                </Form>
              )}
            </Card>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, textAlign: 'center' }}>
              {t('public.footer')}{' '}
              <Link to={`/t/${e.registrationCode}`} data-testid="public-technician">
                {t('public.technician')}
              </Link>
            </Typography.Paragraph>
          </Space>
        )}
      </div>
    </div>
  );
}
