import { UnlockOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';

/**
 * Accounts and network addresses locked after repeated wrong passwords, each with an unlock button
 * (the administrator has checked, e.g. by phone, that it was the person themselves).
 */
export function SignInLocks() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const client = useQueryClient();
  const locks = useQuery({
    queryKey: ['sign-in-locks'],
    queryFn: async () => unwrap(await api.GET('/api/v1/auth/locks', { params: { query: { limit: 500 } } })),
    refetchInterval: 30_000,
  });
  const unlock = useMutation({
    mutationFn: async (b: { scope: 'account' | 'address'; key: string }) =>
      unwrap(await api.POST('/api/v1/auth/locks/unlock', { body: b })),
    onSuccess: () => {
      void message.success(t('admin.unlocked'));
      void client.invalidateQueries({ queryKey: ['sign-in-locks'] });
    },
  });
  return (
    <Card size="small" title={t('admin.signInLocks')} style={{ marginTop: 16 }} data-testid="sign-in-locks">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('admin.signInLocksHint')}
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey={(l) => `${l.scope}:${l.key}`}
        loading={locks.isLoading}
        dataSource={locks.data?.items ?? []}
        pagination={false}
        scroll={{ x: phone ? 480 : undefined }}
        locale={{ emptyText: t('admin.noLocks') }}
        columns={[
          {
            title: t('admin.lockScope'),
            render: (_, l) => (
              <>
                <Tag color={l.scope === 'account' ? 'red' : 'orange'}>
                  {t(l.scope === 'account' ? 'admin.lockScopeAccount' : 'admin.lockScopeAddress')}
                </Tag>
                {l.displayName ? `${l.displayName} (${l.key})` : l.key}
              </>
            ),
          },
          { title: t('admin.lockedUntil'), render: (_, l) => fmtDateTime(l.lockedUntil) },
          { title: t('admin.failures'), dataIndex: 'failures', width: 90 },
          {
            title: '',
            width: 100,
            render: (_, l) => (
              <Button
                size="small"
                icon={<UnlockOutlined />}
                loading={unlock.isPending && unlock.variables?.key === l.key}
                onClick={() => unlock.mutate({ scope: l.scope, key: l.key })}
                data-testid={`unlock-${l.key}`}
              >
                {t('admin.unlock')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
