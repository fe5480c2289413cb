import { Alert, Button, Descriptions, Modal, Space, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { AlarmDrawer } from './AlarmDrawer';
import { Countdown } from './Countdown';
import { IncidentReports } from './IncidentReports';
import { useAlarm, useAlarmAction } from './useAlarms';
import { useOpenEntrapments } from './useRescue';

/** How often the alarm sounds again while an entrapment waits for someone to acknowledge it. */
const REPEAT_SOUND_MS = 8000;

/** A short two-tone alarm from the Web Audio API: nothing to download, works offline. */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const now = ctx.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = i % 2 ? 660 : 880;
      gain.gain.setValueAtTime(0.25, now + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.35 + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.35);
      osc.stop(now + i * 0.35 + 0.32);
    }
    setTimeout(() => void ctx.close(), 2000);
  } catch {
    // no audio device (a headless browser): the popup and the notification still show
  }
}

/**
 * An entrapment nobody has acknowledged cannot be overlooked: its popup interrupts whatever screen
 * is open — on every page load and route change, not only when the alarm arrives — and the sound
 * repeats until someone acknowledges it (here, in the drawer, or on another dispatcher's screen).
 * Closing the popup with × hides it until the next page; a browser notification reaches a tab in
 * the background. The list comes from the server, so a reload shows the same.
 */
export function EntrapmentAlert() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const open = useOpenEntrapments();
  const act = useAlarmAction();
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [drawer, setDrawer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const notified = useRef(new Set<string>());

  const unacknowledged = useMemo(
    () =>
      (open.data ?? [])
        .filter((a) => a.status === 'open')
        .sort((a, b) => (a.notifiedTs ?? a.firstSeenTs).localeCompare(b.notifiedTs ?? b.firstSeenTs)),
    [open.data],
  );
  // the field screens (a technician at a car, a visit record) stay usable: the popup would cover
  // the very check-in it asks for; the menu badge still counts
  const field = location.pathname === '/t' || location.pathname.startsWith('/t/');
  const queue = field ? [] : unacknowledged.filter((a) => !dismissed.has(a.id));
  const current = queue[0];
  const detail = useAlarm(current?.id ?? null);

  // every route change brings the dismissed popups back, and asks the server again
  const { refetch } = open;
  useEffect(() => {
    setDismissed(new Set());
    void refetch();
  }, [location.pathname, refetch]);

  useEffect(() => {
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
  }, []);

  // a new one: sound and a browser notification (once per alarm and page load)
  useEffect(() => {
    const fresh = unacknowledged.filter((a) => !notified.current.has(a.id));
    if (fresh.length === 0) return;
    for (const a of fresh) {
      notified.current.add(a.id);
      if ('Notification' in window && Notification.permission === 'granted') {
        const n = new Notification(t('entrapment.notifyTitle'), {
          body: t('entrapment.notifyBody', { place: a.place ?? a.registrationCode ?? '' }),
          tag: a.id,
          requireInteraction: true,
        });
        n.onclick = () => {
          window.focus();
          setDrawer(a.id);
        };
      }
    }
    beep();
  }, [unacknowledged, t]);

  // the sound repeats until every entrapment is acknowledged, dismissed popup or not
  const waiting = unacknowledged.length > 0 && !field;
  useEffect(() => {
    if (!waiting) return;
    const h = setInterval(beep, REPEAT_SOUND_MS);
    return () => clearInterval(h);
  }, [waiting]);

  const dismiss = (id: string): void => setDismissed((d) => new Set([...d, id]));
  const acknowledge = async (id: string): Promise<void> => {
    setError(null);
    try {
      await act.mutateAsync({ id, action: 'acknowledge' });
      await open.refetch();
      setDrawer(id);
    } catch (e) {
      // acknowledged meanwhile by someone else: nothing is lost, the list refreshes
      if (e instanceof ApiError && e.status === 409) await open.refetch();
      else setError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  };

  const a = detail.data;
  return (
    <>
      <Modal
        open={current !== undefined}
        title={<span style={{ color: '#cf1322' }}>{t('entrapment.title')}</span>}
        onCancel={() => current && dismiss(current.id)}
        maskClosable={false}
        footer={
          current && (
            <Space wrap>
              <Button
                onClick={() => {
                  dismiss(current.id);
                  setDrawer(current.id);
                }}
              >
                {t('entrapment.details')}
              </Button>
              <Button
                type="primary"
                danger
                size="large"
                loading={act.isPending}
                data-testid="popup-acknowledge"
                onClick={() => void acknowledge(current.id)}
              >
                {t('entrapment.acknowledge')}
              </Button>
            </Space>
          )
        }
      >
        <div data-testid="entrapment-popup" data-alarm={current?.id}>
          {current && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('alarms.place')}>
                  {current.place ?? current.registrationCode ?? current.elevatorId}
                </Descriptions.Item>
                <Descriptions.Item label={t('alarms.notified')}>
                  {fmtDateTime(current.notifiedTs ?? current.firstSeenTs, true)}
                  {current.source !== 'rule' && current.source !== 'device' && (
                    <Typography.Text type="secondary">
                      （{t(`alarmSource.${current.source}`)}）
                    </Typography.Text>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('alarms.deadline')}>
                  <Space wrap>
                    {fmtDateTime(current.rescueDeadline, true)}
                    <Countdown deadline={current.rescueDeadline} />
                  </Space>
                </Descriptions.Item>
                {current.reopenCount > 0 && (
                  <Descriptions.Item label="">
                    <Typography.Text type="danger" strong>
                      {t('rescue.reopenedPopup')}
                    </Typography.Text>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label="">
                  <Button
                    type="link"
                    style={{ padding: 0 }}
                    onClick={() => {
                      dismiss(current.id);
                      void navigate(`/elevators/${current.elevatorId}`);
                    }}
                  >
                    {t('entrapment.openElevator')}
                  </Button>
                </Descriptions.Item>
              </Descriptions>
              {a && a.id === current.id && <IncidentReports reports={a.reports} />}
              {error && <Alert type="error" showIcon message={error} />}
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {t('entrapment.returns')}
              </Typography.Text>
            </Space>
          )}
          {queue.length > 1 && (
            <div style={{ color: '#cf1322', marginTop: 8 }}>
              {t('entrapment.more', { n: queue.length - 1 })}
            </div>
          )}
        </div>
      </Modal>
      <AlarmDrawer id={drawer} onClose={() => setDrawer(null)} />
    </>
  );
}
