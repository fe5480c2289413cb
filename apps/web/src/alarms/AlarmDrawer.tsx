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
import {
  type AlarmAction,
  isOpen,
  useAlarm,
  useAlarmAction,
  useBackdatedArrival,
  useCheckIn,
} from './useAlarms';

const NEXT: Record<string, AlarmAction[]> = {
  open: ['acknowledge', 'dispatch', 'on-site', 'resolve', 'false-alarm'],
  acknowledged: ['dispatch', 'on-site', 'resolve', 'false-alarm'],
  dispatched: ['on-site', 'resolve', 'false-alarm'],
  on_site: ['resolve', 'false-alarm'],
};

/** One alarm: what happened, the rescue clock, who did what and when, and the next steps. */
export function AlarmDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const phone = useIsPhone();
  const user = useUser();
  const { data: a, isLoading } = useAlarm(id);
  const act = useAlarmAction();
  const checkIn = useCheckIn();
  const backdate = useBackdatedArrival();
  const [note, setNote] = useState('');
  const [arrivalOpen, setArrivalOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const responder = user.role === 'firm' || user.role === 'admin';
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
              <Tag data-testid="alarm-status">{t(`alarmStatus.${a.status}`)}</Tag>
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
                  {a.conditionClearedTs
                    ? `${fmtDateTime(a.conditionClearedTs, true)}（${t('alarms.trapped')} ${fmtDuration(a.trappedSeconds, lang)}）`
                    : t('alarms.stillTrapped')}
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
                {(NEXT[a.status] ?? []).map((action) => (
                  <Button
                    key={action}
                    type={action === 'resolve' || action === 'acknowledge' ? 'primary' : 'default'}
                    danger={action === 'false-alarm'}
                    loading={act.isPending && act.variables.action === action}
                    onClick={() =>
                      void run(act.mutateAsync({ id: a.id, action, note: note.trim() || undefined }))
                    }
                    data-testid={`action-${action}`}
                  >
                    {t(`alarmAction.${action}`)}
                  </Button>
                ))}
                {rescue && (
                  <>
                    <Button
                      onClick={() =>
                        void run(checkIn.mutateAsync({ id: a.id, note: note.trim() || undefined }))
                      }
                      data-testid="action-check-in"
                    >
                      {t('alarms.checkIn')}
                    </Button>
                    <Button type="link" onClick={() => setArrivalOpen(true)}>
                      {t('alarms.backdate')}
                    </Button>
                  </>
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
                    {fmtDateTime(e.at, true)} · {e.actor === 'system' ? t('alarms.system') : e.actor}
                  </Typography.Text>
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
