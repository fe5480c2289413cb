import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useUser } from '../api/session';
import { currentLang } from '../i18n';
import { fmtDateTime, fmtDuration } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { Countdown } from './Countdown';
import { DispatchModal } from './DispatchModal';
import { IncidentReports } from './IncidentReports';
import { ResolveModal } from './ResolveModal';
import { type AlarmAction, isOpen, useAlarm, useAlarmAction, useBackdatedArrival } from './useAlarms';

const NEXT: Record<string, AlarmAction[]> = {
  open: ['acknowledge', 'dispatch', 'on-site', 'resolve', 'false-alarm'],
  acknowledged: ['dispatch', 'on-site', 'resolve', 'false-alarm'],
  dispatched: ['dispatch', 'on-site', 'resolve', 'false-alarm'],
  on_site: ['resolve', 'false-alarm'],
};

/** Who did it, by name and role; the platform and the car's public page by what they are. */
export function actorLabel(
  e: { actor: string; actorName?: string | null; actorRole?: string | null },
  t: (k: string) => string,
): string {
  if (e.actor === 'system') return t('alarms.system');
  if (e.actor === 'public') return t('alarms.public');
  const name = e.actorName ?? e.actor;
  return e.actorRole ? `${name}（${t(`roles.${e.actorRole}`)}）` : name;
}

/** One alarm: what happened, the rescue clock, who did what and when, and the next steps. */
export function AlarmDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const phone = useIsPhone();
  const user = useUser();
  const { data: a, isLoading } = useAlarm(id);
  const act = useAlarmAction();
  const backdate = useBackdatedArrival();
  const [note, setNote] = useState('');
  const [arrivalOpen, setArrivalOpen] = useState(false);
  const [dispatchOpen, setDispatchOpen] = useState(false);
  const [closing, setClosing] = useState<'resolve' | 'false-alarm' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const responder = user.role === 'firm' || user.role === 'admin' || user.role === 'technician';
  const office = user.role === 'firm' || user.role === 'admin';
  const run = async (p: Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await p;
      setNote('');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  };
  const rescue = a?.type === 'entrapment';

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={phone ? '100%' : 520}
      title={a ? `${lang === 'en' ? a.nameEn : a.nameZh} · ${a.registrationCode ?? ''}` : t('alarms.detail')}
      loading={isLoading}
      destroyOnHidden
    >
      {a && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="alarm-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('alarms.place')}>
              <Link to={`/elevators/${a.elevatorId}`}>{a.place ?? a.registrationCode}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('alarms.status')}>
              <Space wrap size={4}>
                <Tag data-testid="alarm-status">{t(`alarmStatus.${a.status}`)}</Tag>
                {a.reopenCount > 0 && <Tag color="red">{t('rescue.reopened', { n: a.reopenCount })}</Tag>}
                {a.releaseMethod && <Tag>{t(`releaseMethod.${a.releaseMethod}`)}</Tag>}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('alarms.firstSeen')}>
              {fmtDateTime(a.firstSeenTs, true)}
            </Descriptions.Item>
            {rescue && (
              <>
                <Descriptions.Item label={t('alarms.notified')}>
                  {fmtDateTime(a.notifiedTs, true)}
                </Descriptions.Item>
                <Descriptions.Item label={t('alarms.deadline')}>
                  <Space wrap>
                    {fmtDateTime(a.rescueDeadline, true)}
                    <Countdown
                      deadline={a.rescueDeadline}
                      done={!isOpen(a) || a.arrivedAt !== null || a.conditionClearedTs !== null}
                    />
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('alarms.released')}>
                  {a.carStillReports ? (
                    <Typography.Text type="danger" strong data-testid="still-trapped">
                      {t('rescue.carStillReportsShort')}
                    </Typography.Text>
                  ) : a.conditionClearedTs ? (
                    `${fmtDateTime(a.conditionClearedTs, true)}（${t('alarms.trapped')} ${fmtDuration(a.trappedSeconds, lang)}）`
                  ) : (
                    t('rescue.noReleaseInData')
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('alarms.arrived')}>
                  {a.arrivedAt ? (
                    <span data-testid="arrival">
                      {fmtDateTime(a.arrivedAt, true)} · {t(`arrivalSource.${a.arrivalSource ?? 'status'}`)} ·{' '}
                      {(a.arrivalVsDeadlineSeconds ?? 0) <= 0
                        ? t('alarms.beforeDeadline', { d: fmtDuration(a.arrivalVsDeadlineSeconds, lang) })
                        : t('alarms.afterDeadline', { d: fmtDuration(a.arrivalVsDeadlineSeconds, lang) })}
                    </span>
                  ) : (
                    '—'
                  )}
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
          {rescue && a.carStillReports && isOpen(a) && (
            <Alert type="error" showIcon message={t('rescue.stillReports')} />
          )}
          {a.reports.length > 0 && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('rescue.reports')}
              </Typography.Title>
              <IncidentReports reports={a.reports} />
            </>
          )}
          {a.workOrder && (
            <Descriptions
              size="small"
              column={1}
              bordered
              title={t('rescue.workOrder')}
              data-testid="work-order"
            >
              <Descriptions.Item label={t('rescue.technician')}>
                <Space wrap>
                  {a.workOrder.technicianName}
                  {a.workOrder.technicianPhone && (
                    <a href={`tel:${a.workOrder.technicianPhone}`}>{a.workOrder.technicianPhone}</a>
                  )}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('alarms.status')}>
                <Tag color={a.workOrder.status === 'done' ? 'green' : 'blue'} data-testid="work-order-status">
                  {t(`workOrderStatus.${a.workOrder.status}`)}
                </Tag>
              </Descriptions.Item>
            </Descriptions>
          )}
          {error && <Alert type="error" showIcon message={error} />}
          {responder && isOpen(a) && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea
                rows={2}
                maxLength={1000}
                placeholder={t('alarms.notePlaceholder')}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                data-testid="alarm-note"
              />
              <Space wrap>
                {(NEXT[a.status] ?? [])
                  // the office does not dispatch from a technician's phone; an office click is no
                  // arrival at a rescue (that is the technician's check-in at the car)
                  .filter(
                    (action) =>
                      (action !== 'dispatch' || office) && !(action === 'on-site' && (rescue || !office)),
                  )
                  .map((action) => (
                    <Button
                      key={action}
                      type={action === 'resolve' || action === 'acknowledge' ? 'primary' : 'default'}
                      danger={action === 'false-alarm'}
                      loading={act.isPending && act.variables.action === action}
                      onClick={() => {
                        if (action === 'dispatch') setDispatchOpen(true);
                        else if (action === 'resolve' || action === 'false-alarm') setClosing(action);
                        else void run(act.mutateAsync({ id: a.id, action, note: note.trim() || undefined }));
                      }}
                      data-testid={`action-${action}`}
                    >
                      {action === 'dispatch' && a.status === 'dispatched'
                        ? t('rescue.reassign')
                        : t(`alarmAction.${action}`)}
                    </Button>
                  ))}
                {rescue && office && (
                  <Button type="link" onClick={() => setArrivalOpen(true)}>
                    {t('alarms.backdate')}
                  </Button>
                )}
              </Space>
            </Space>
          )}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('alarms.timeline')}
          </Typography.Title>
          <Timeline
            data-testid="alarm-timeline"
            items={a.timeline.map((e) => ({
              children: (
                <div>
                  <Typography.Text strong>
                    {t(`timeline.${e.kind}`, { defaultValue: e.kind })}
                  </Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {fmtDateTime(e.at, true)} · {actorLabel(e, t)}
                  </Typography.Text>
                  {timelineDetail(e, t) && <div>{timelineDetail(e, t)}</div>}
                  {e.note && <div>{e.note}</div>}
                </div>
              ),
            }))}
          />
          {a.arrivals.length > 0 && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('alarms.arrivalEvidence')}
              </Typography.Title>
              {a.arrivals.map((e, i) => (
                <div key={i}>
                  {fmtDateTime(e.at, true)} · {t(`arrivalSource.${e.source}`)} ·{' '}
                  {t(`arrivalKind.${e.kind}`, { defaultValue: e.kind })} · {e.recordedBy}
                  {e.reason && <Typography.Text type="secondary">（{e.reason}）</Typography.Text>}
                </div>
              ))}
            </>
          )}
          {a.escalations.length > 0 && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('rescue.escalations')}
              </Typography.Title>
              {a.escalations.map((m, i) => (
                <div key={i} data-testid="escalation-message">
                  {t('rescue.escalationLine', {
                    step: m.step,
                    level: t(`escalationLevel.${m.level}`),
                    name: m.contactName,
                    channel: t(`channel.${m.channel}`),
                    to: m.recipient,
                  })}{' '}
                  <Tag color={m.status === 'sent' ? 'green' : m.status === 'pending' ? 'blue' : 'red'}>
                    {t(`deliveryStatus.${m.status}`)}
                  </Tag>
                </div>
              ))}
            </>
          )}
          <DispatchModal alarm={a} open={dispatchOpen} onClose={() => setDispatchOpen(false)} />
          <ResolveModal alarm={a} action={closing} onClose={() => setClosing(null)} />
          <BackdateModal
            open={arrivalOpen}
            onClose={() => setArrivalOpen(false)}
            onSubmit={async (at, reason) => {
              await run(backdate.mutateAsync({ id: a.id, at, reason }));
              setArrivalOpen(false);
            }}
          />
        </Space>
      )}
    </Drawer>
  );
}

/** The facts a timeline entry carries, in words (the technician dispatched, the way out, the step told). */
function timelineDetail(
  e: { kind: string; data?: Record<string, unknown> | null },
  t: (k: string, o?: Record<string, unknown>) => string,
): string | null {
  const d = e.data ?? {};
  if ((e.kind === 'dispatched' || e.kind === 'reassigned') && typeof d.technician === 'string')
    return t('rescue.toTechnician', { name: d.technician });
  if ((e.kind === 'resolved' || e.kind === 'false_alarm') && typeof d.releaseMethod === 'string')
    return `${t(`releaseMethod.${d.releaseMethod}`)}${d.carStillReported ? ` · ${t('rescue.overCar')}` : ''}`;
  if (e.kind === 'escalated' && Array.isArray(d.to))
    return `${t(`escalationLevel.${String(d.level)}`)}：${(d.to as string[]).join('、')}`;
  if (e.kind === 'reported' && typeof d.channel === 'string')
    return `${t(`reportChannel.${d.channel}`)} · ${t(`reportKind.${String(d.kind)}`)}`;
  return null;
}

function BackdateModal({
  open,
  onClose,
  onSubmit,
}: {
  open: boolean;
  onClose: () => void;
  onSubmit: (at: string, reason: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ at: Dayjs; reason: string }>();
  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={t('alarms.backdate')}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void onSubmit(v.at.toISOString(), v.reason)}>
        <Form.Item name="at" label={t('alarms.arrivedAt')} rules={[{ required: true }]}>
          <DatePicker showTime style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('alarms.reason')} rules={[{ required: true, min: 5 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
