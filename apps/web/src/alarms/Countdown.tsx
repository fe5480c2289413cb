import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtClock } from '../ui/format';

/** Time left to a rescue deadline the server computed, ticking every second; late shows in red. */
export function Countdown({ deadline, done }: { deadline: string | null | undefined; done?: boolean }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!deadline || done) return;
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, [deadline, done]);
  if (!deadline) return null;
  const left = (Date.parse(deadline) - now) / 1000;
  if (done)
    return (
      <Tag>
        {t('alarms.deadlineAt', {
          time: new Date(deadline).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
        })}
      </Tag>
    );
  return left >= 0 ? (
    <Tag color={left < 300 ? 'orange' : 'blue'} data-testid="countdown">
      {t('alarms.left', { time: fmtClock(left) })}
    </Tag>
  ) : (
    <Tag color="red" data-testid="countdown" className="lw-countdown-late">
      {t('alarms.late', { time: fmtClock(-left) })}
    </Tag>
  );
}
