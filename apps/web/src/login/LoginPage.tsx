import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { type TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../api/session';
import { homeOf } from '../app/screens';
import { fmtDateTime } from '../ui/format';
import { LangSwitch } from '../ui/LangSwitch';
import { failureOf } from '../ui/QueryState';

/** What to tell someone whose sign-in was refused, in their language, with when to try again. */
function refusal(e: unknown, t: TFunction): string {
  // no answer at all: the phone has no network (or the platform cannot be reached)
  if (!(e instanceof ApiError)) return failureOf(e) === 'offline' ? t('auth.offline') : t('error.generic');
  if (e.status >= 500 && e.code !== 'LOGIN_BUSY') return t('state.unavailable');
  const seconds = e.retryAfterSeconds ?? 0;
  const until = typeof e.details.lockedUntil === 'string' ? e.details.lockedUntil : null;
  const lock = { time: fmtDateTime(until), minutes: Math.ceil(seconds / 60) };
  if (e.status === 401) return t('auth.wrong');
  if (e.code === 'ACCOUNT_LOCKED') return t('auth.accountLocked', lock);
  if (e.code === 'ADDRESS_LOCKED') return t('auth.addressLocked', lock);
  if (e.code === 'LOGIN_SLOW_DOWN') return t('auth.slowDown');
  if (e.code === 'LOGIN_BUSY') return t('auth.busy');
  return t('error.generic');
}

/** Seconds left until `until` (ms since epoch), ticking once a second; 0 when passed. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login, user, endedBecause } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // a short pause the platform asked for: the button waits it out with a countdown
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const wait = useCountdown(waitUntil);
  const [params] = useSearchParams();
  // only a path of this site (never //other.host or a full URL)
  const wanted = params.get('next');
  const next = wanted && /^\/(?![/\\])/.test(wanted) ? wanted : null;
  if (user) return <Navigate to={next ?? homeOf(user.role)} replace />;
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: '#f5f7fb',
        padding: 16,
      }}
    >
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Space>
              <img src="/favicon.svg" alt="" width={32} height={32} />
              <div>
                <Typography.Title level={4} style={{ margin: 0 }}>
                  {t('app.name')}
                </Typography.Title>
                <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
              </div>
            </Space>
            <LangSwitch />
          </div>
          {endedBecause === 'expired' && <Alert type="warning" showIcon message={t('auth.expired')} />}
          {error && <Alert type="error" showIcon message={error} data-testid="login-error" />}
          <Form
            layout="vertical"
            requiredMark={false}
            onFinish={(v: { username: string; password: string }) => {
              void (async () => {
                setBusy(true);
                setError(null);
                try {
                  await login(v.username, v.password);
                  void navigate(next ?? '/', { replace: true });
                } catch (e) {
                  setError(refusal(e, t));
                  const s = e instanceof ApiError ? e.retryAfterSeconds : null;
                  setWaitUntil(s && s <= 60 ? Date.now() + s * 1000 : null);
                } finally {
                  setBusy(false);
                }
              })();
            }}
          >
            <Form.Item
              name="username"
              label={t('auth.username')}
              rules={[{ required: true, message: t('auth.usernameRequired') }]}
            >
              <Input
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                data-testid="login-username"
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('auth.password')}
              rules={[{ required: true, message: t('auth.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                data-testid="login-password"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              loading={busy}
              disabled={wait > 0}
              data-testid="login-submit"
            >
              {wait > 0 ? t('auth.waitSeconds', { seconds: wait }) : t('auth.login')}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}
