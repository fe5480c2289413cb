import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);

/** Every date and time the dashboard shows is in the business time zone, whatever the browser's. */
export const BUSINESS_TZ = 'Asia/Shanghai';

export function inBusinessTz(iso: string | Date): dayjs.Dayjs {
  return dayjs(iso).tz(BUSINESS_TZ);
}

export function fmtDateTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—';
  return inBusinessTz(iso).format(withSeconds ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm');
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  // A bare calendar date (YYYY-MM-DD) is already a business date.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return inBusinessTz(iso).format('YYYY-MM-DD');
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return inBusinessTz(iso).format('HH:mm:ss');
}

/** Money is integer fen; shown as ¥ with two decimals, exact (no floating point). */
export function fmtMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(a / 100).toLocaleString('en-US')}.${String(a % 100).padStart(2, '0')}`;
}

/** A duration as 12:05 (minutes:seconds) or 1:02:03 beyond an hour; negative when overdue. */
export function fmtClock(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** Seconds as words: 45 s, 12 min 30 s, 2 h 5 min (zh: 45秒, 12分30秒, 2小时5分). */
export function fmtDuration(seconds: number | null | undefined, lang: 'zh-CN' | 'en'): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (lang === 'en') {
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return `${m} min ${sec} s`;
    return `${sec} s`;
  }
  if (h > 0) return `${h}小时${m}分`;
  if (m > 0) return `${m}分${sec}秒`;
  return `${sec}秒`;
}

export function fromNow(iso: string | null | undefined, lang: 'zh-CN' | 'en'): string {
  if (!iso) return '—';
  return dayjs(iso)
    .locale(lang === 'en' ? 'en' : 'zh-cn')
    .fromNow();
}
