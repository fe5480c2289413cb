import {
  AlertOutlined,
  AppstoreOutlined,
  AuditOutlined,
  CloudOutlined,
  CalendarOutlined,
  FontSizeOutlined,
  LogoutOutlined,
  MenuOutlined,
  SettingOutlined,
  UserOutlined,
  AccountBookOutlined,
  SafetyCertificateOutlined,
  HomeOutlined,
  ProjectOutlined,
  ToolOutlined,
} from '@ant-design/icons';
import { Alert, Badge, Button, Drawer, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import { useLargeText } from '../ui/largeText';
import { useOnline } from '../ui/QueryState';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useLive } from '../api/live';
import { useSession, useUser } from '../api/session';
import { EntrapmentAlert } from '../alarms/EntrapmentAlert';
import { useOpenEntrapments, useWorkOrders } from '../alarms/useRescue';
import { LangSwitch } from '../ui/LangSwitch';
import { useIsPhone } from '../ui/useIsPhone';
import { mayOpen, type Screen } from './screens';

interface NavItem {
  key: Screen;
  icon: ReactNode;
  label: ReactNode;
}

/** The technician's jobs, for the menu's count (other roles do not ask). */
function useWorkOrdersIf(enabled: boolean) {
  const q = useWorkOrders(enabled);
  return enabled ? q.data : undefined;
}

/** The frame around every screen: the menu the role may use, the user, the language, the link state. */
export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useSession();
  const [large, setLarge] = useLargeText(user.id);
  const live = useLive();
  const online = useOnline();
  const phone = useIsPhone();
  const [drawer, setDrawer] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  const watchesAlarms = mayOpen(user.role, '/alarms');
  const entrapments = useOpenEntrapments(watchesAlarms);
  const jobs = useWorkOrdersIf(user.role === 'technician');
  const trapped = (entrapments.data ?? []).length;
  const unacknowledged = (entrapments.data ?? []).filter((a) => a.status === 'open').length;
  const activeJobs = (jobs ?? []).filter((j) => j.status !== 'done' && j.status !== 'cancelled').length;
  const badge = (n: number, urgent: boolean, testId: string): ReactNode =>
    n > 0 ? (
      <Badge
        count={n}
        color={urgent ? '#cf1322' : '#fa8c16'}
        style={{ marginInlineStart: 8 }}
        data-testid={testId}
      />
    ) : null;

  const all: NavItem[] = [
    {
      key: '/t',
      icon: <ToolOutlined />,
      label: (
        <>
          {t('nav.jobs')}
          {badge(activeJobs, true, 'jobs-badge')}
        </>
      ),
    },
    { key: '/home', icon: <HomeOutlined />, label: t('nav.home') },
    { key: '/project', icon: <ProjectOutlined />, label: t('nav.project') },
    {
      key: '/alarms',
      icon: <AlertOutlined />,
      label: (
        <>
          {t('nav.alarms')}
          {badge(trapped, unacknowledged > 0, 'entrapment-badge')}
        </>
      ),
    },
    { key: '/fleet', icon: <AppstoreOutlined />, label: t('nav.fleet') },
    { key: '/maintenance', icon: <CalendarOutlined />, label: t('nav.maintenance') },
    { key: '/statements', icon: <AccountBookOutlined />, label: t('nav.statements') },
    { key: '/claims', icon: <SafetyCertificateOutlined />, label: t('nav.claims') },
    { key: '/oversight', icon: <AuditOutlined />, label: t('nav.oversight') },
    { key: '/admin', icon: <SettingOutlined />, label: t('nav.admin') },
  ];
  const items = all.filter((i) => mayOpen(user.role, i.key));
  const selected = items.find((i) => location.pathname.startsWith(i.key))?.key ?? '';
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[selected]}
      items={items.map((i) => ({ key: i.key, icon: i.icon, label: i.label }))}
      onClick={(e) => {
        setDrawer(false);
        void navigate(e.key);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );
  const brand = (
    <Space size={8} style={{ padding: '16px 20px', whiteSpace: 'nowrap' }}>
      <img src="/favicon.svg" alt="" width={24} height={24} />
      <Typography.Text strong style={{ fontSize: 16 }}>
        {t('app.name')}
      </Typography.Text>
    </Space>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!phone && (
        <Layout.Sider theme="light" width={200} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          {brand}
          {menu}
        </Layout.Sider>
      )}
      <Drawer
        open={drawer}
        placement="left"
        width={240}
        onClose={() => setDrawer(false)}
        styles={{ body: { padding: 0 } }}
        title={t('app.name')}
      >
        {menu}
      </Drawer>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: phone ? '0 12px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
            lineHeight: '56px',
          }}
        >
          <Space>
            {phone && (
              <Badge count={trapped + activeJobs} size="small" offset={[-4, 4]}>
                <Button
                  type="text"
                  icon={<MenuOutlined />}
                  aria-label={t('nav.menu')}
                  onClick={() => setDrawer(true)}
                  style={{ minWidth: 44, minHeight: 44 }}
                />
              </Badge>
            )}
            {phone && <Typography.Text strong>{t('app.name')}</Typography.Text>}
            <Badge
              status={live.connected ? 'success' : 'error'}
              text={phone ? '' : live.connected ? t('live.connected') : t('live.disconnected')}
            />
          </Space>
          <Space size={phone ? 4 : 12}>
            <LangSwitch />
            <Dropdown
              menu={{
                items: [
                  {
                    key: 'role',
                    label: `${user.displayName} · ${t(`roles.${user.role}`)} · ${user.username}`,
                    disabled: true,
                  },
                  {
                    key: 'large-text',
                    icon: <FontSizeOutlined />,
                    label: (
                      <span data-testid="large-text-toggle" title={t('app.largeTextHint')}>
                        {t('app.largeText')}
                        {large ? ' ✓' : ''}
                      </span>
                    ),
                    onClick: () => setLarge(!large),
                  },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), onClick: logout },
                ],
              }}
            >
              <Button type="text" data-testid="user-menu">
                {phone ? <UserOutlined /> : user.displayName}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: phone ? 8 : 20, minWidth: 0 }}>
          {!online && (
            <Alert
              type="warning"
              showIcon
              icon={<CloudOutlined />}
              banner
              data-testid="offline-banner"
              message={t('state.offlineBanner')}
              style={{ marginBottom: 8 }}
            />
          )}
          {children}
        </Layout.Content>
      </Layout>
      {(user.role === 'firm' || user.role === 'admin') && <EntrapmentAlert />}
    </Layout>
  );
}
