import { BellOutlined, FileTextOutlined, ToolOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, List, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { currentLang } from '../i18n';
import { fmtDateTime, fmtMoney } from '../ui/format';
import { noticeText, type Notice } from './text';

const NOTICE_ICON: Record<string, ReactNode> = {
  visit_recorded: <ToolOutlined style={{ color: '#52c41a' }} />,
  statement_issued: <FileTextOutlined style={{ color: '#1456f0' }} />,
  outage: <WarningOutlined style={{ color: '#f5222d' }} />,
};

export function Notices() {
  const { t } = useTranslation();
  const lang = currentLang();
  const notices = useQuery({
    queryKey: ['notifications'],
    refetchInterval: 60_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })).items,
  });
  const items: Notice[] = notices.data ?? [];
  return (
    <Card size="small" title={t('home.notices')} data-testid="home-notices">
      {notices.error ? (
        <Alert type="error" message={t('error.generic')} />
      ) : (
        <List
          size="small"
          loading={notices.isLoading}
          dataSource={items}
          locale={{ emptyText: t('home.noNotices') }}
          renderItem={(n) => (
            <List.Item data-testid="home-notice" data-kind={n.kind}>
              <Space align="start" style={{ width: '100%' }}>
                {NOTICE_ICON[n.kind] ?? <BellOutlined style={{ color: '#faad14' }} />}
                <Space direction="vertical" size={0}>
                  <span>
                    {noticeText(n, t, lang)}
                    {n.kind === 'statement_issued' && (
                      <>
                        {' '}
                        <Link to="/statements">{t('home.open')}</Link>
                      </>
                    )}
                  </span>
                  <Typography.Text type="secondary" style={{ fontSize: '0.875em' }}>
                    {fmtDateTime(n.createdAt)}
                  </Typography.Text>
                </Space>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** 本月应缴: what I owe on the latest statement (or that nothing is due), with a link to it. */
export function DueCard() {
  const { t } = useTranslation();
  const latest = useQuery({
    queryKey: ['statements', 'latest'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/statements', { params: { query: { limit: 1 } } })).items[0] ?? null,
  });
  if (latest.isLoading) return null;
  if (latest.isError)
    return <Alert type="warning" showIcon message={t('home.dueFailed')} data-testid="home-due" />;
  const s = latest.data;
  const mine = s ? s.allocations.reduce((a, x) => a + x.ownerFen, 0) : 0;
  return (
    <Card size="small" data-testid="home-due">
      <Space direction="vertical" size={2}>
        <Typography.Text strong style={{ fontSize: 18 }}>
          {s && mine > 0 ? t('home.due', { amount: fmtMoney(mine) }) : t('home.nothingDue')}
        </Typography.Text>
        {s && (
          <Typography.Text type="secondary">
            {t('home.dueOf', { month: s.month, due: s.dueOn, total: fmtMoney(s.totalFen) })}{' '}
            <Link to="/statements">{t('home.seeStatement')}</Link>
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}
