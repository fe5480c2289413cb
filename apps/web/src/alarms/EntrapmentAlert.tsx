import { Button, Descriptions, Modal, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type AlarmEvent, useLive } from '../api/live';
import { fmtDateTime } from '../ui/format';
import { AlarmDrawer } from './AlarmDrawer';
import { Countdown } from './Countdown';
import { useAlarmAction } from './useAlarms';

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
 * An entrapment anywhere in the dispatcher's fleet interrupts whatever screen is open: a popup with
 * the place and the rescue countdown, a sound, and a browser notification (for a tab in the
 * background). It can be acknowledged from the popup.
 */
export function EntrapmentAlert() {
  const { t } = useTranslation();
  const live = useLive();
  const navigate = useNavigate();
  const act = useAlarmAction();
  const [queue, setQueue] = useState<AlarmEvent[]>([]);
  const [drawer, setDrawer] = useState<string | null>(null);
  const seen = useRef(new Set<string>());

  useEffect(() => {
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
  }, []);

  useEffect(
    () =>
      live.onAlarm((a) => {
        if (a.type !== 'entrapment' || a.status !== 'open' || a.conditionClearedTs || seen.current.has(a.id))
          return;
        seen.current.add(a.id);
        setQueue((q) => [...q, a]);
        beep();
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
      }),
    [live, t],
  );

  const current = queue[0];
  const dismiss = (): void => setQueue((q) => q.slice(1));
  return (
    <>
      <Modal
        open={current !== undefined}
        title={<span style={{ color: '#f5222d' }}>{t('entrapment.title')}</span>}
        onCancel={dismiss}
        maskClosable={false}
        footer={
          current && (
            <Space wrap>
              <Button
                onClick={() => {
                  dismiss();
                  setDrawer(current.id);
                }}
              >
                {t('entrapment.details')}
              </Button>
              <Button
                type="primary"
                danger
                loading={act.isPending}
                data-testid="popup-acknowledge"
                onClick={() =>
                  void act.mutateAsync({ id: current.id, action: 'acknowledge' }).then(() => {
                    dismiss();
                    setDrawer(current.id);
                  })
                }
              >
                {t('entrapment.acknowledge')}
              </Button>
            </Space>
          )
        }
      >
        <div data-testid="entrapment-popup">
          {current && (
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('alarms.place')}>
                {current.place ?? current.registrationCode ?? current.elevatorId}
              </Descriptions.Item>
              <Descriptions.Item label={t('alarms.firstSeen')}>
                {fmtDateTime(current.firstSeenTs, true)}
              </Descriptions.Item>
              <Descriptions.Item label={t('alarms.deadline')}>
                <Space>
                  {fmtDateTime(current.rescueDeadline, true)}
                  <Countdown deadline={current.rescueDeadline} />
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label="">
                <Button
                  type="link"
                  style={{ padding: 0 }}
                  onClick={() => {
                    dismiss();
                    void navigate(`/elevators/${current.elevatorId}`);
                  }}
                >
                  {t('entrapment.openElevator')}
                </Button>
              </Descriptions.Item>
            </Descriptions>
          )}
          {queue.length > 1 && (
            <div style={{ color: '#f5222d' }}>{t('entrapment.more', { n: queue.length - 1 })}</div>
          )}
        </div>
      </Modal>
      <AlarmDrawer id={drawer} onClose={() => setDrawer(null)} />
    </>
  );
}
