import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../api/session';
import { homeOf } from '../app/screens';
import { LangSwitch } from '../ui/LangSwitch';

export function LoginPage() {
  const { t } = useTranslation();
  const { login, user, endedBecause } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
          {error && <Alert type="error" showIcon message={error} />}
          <Form
            layout="vertical"
            requiredMark={false}
            onFinish={async (v: { username: string; password: string }) => {
              setBusy(true);
              setError(null);
              try {
                await login(v.username, v.password);
                void navigate(next ?? '/', { replace: true });
              } catch (e) {
                setError(e instanceof ApiError && e.status === 401 ? t('auth.wrong') : t('error.generic'));
              } finally {
                setBusy(false);
              }
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
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('auth.login')}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}
