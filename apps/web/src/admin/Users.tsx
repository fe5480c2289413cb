import { useQuery } from '@tanstack/react-query';
import { Form, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { useIsPhone } from '../ui/useIsPhone';
import { SignInLocks } from './SignInLocks';
import {
  useCreate,
  CreateModal,
  useServerPage,
  SearchBox,
  Toolbar,
  RegionSelect,
  UnitSelect,
  OwnerSelect,
} from './shared';

const ROLES = ['admin', 'firm', 'technician', 'owner', 'agent', 'insurer', 'regulator'] as const;

export function Users() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<(typeof ROLES)[number]>('firm');
  const list = useServerPage('users', async (query) =>
    unwrap(await api.GET('/api/v1/users', { params: { query } })),
  );
  const orgs = useQuery({
    queryKey: ['orgs'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/organisations', { params: { query: { limit: 500 } } })),
  });
  const create = useCreate(['users'], async (b: Schemas['CreateUserDto']) =>
    unwrap(await api.POST('/api/v1/users', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchUsers')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: phone ? 500 : undefined }}
        columns={[
          { title: t('auth.username'), dataIndex: 'username' },
          { title: t('admin.displayName'), dataIndex: 'displayName' },
          { title: t('admin.role'), render: (_, u) => t(`roles.${u.role}`) },
          {
            title: t('admin.binding'),
            render: (_, u) => u.bindingName ?? u.regionCode ?? '—',
          },
        ]}
      />
      <SignInLocks />
      <CreateModal
        title={t('admin.newUser')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={(v: Schemas['CreateUserDto']) => create.mutateAsync({ ...v, role })}
      >
        <Form.Item label={t('admin.role')} required>
          <Select
            value={role}
            onChange={setRole}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </Form.Item>
        <Form.Item name="username" label={t('auth.username')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="displayName" label={t('admin.displayName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, min: 10 }]}>
          <Input.Password />
        </Form.Item>
        {(role === 'firm' || role === 'technician' || role === 'insurer') && (
          <Form.Item name="organisationId" label={t('admin.organisation')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={(orgs.data?.items ?? [])
                .filter((o) => o.kind === (role === 'insurer' ? 'insurer' : 'maintenance_firm'))
                .map((o) => ({ value: o.id, label: o.name }))}
            />
          </Form.Item>
        )}
        {role === 'technician' && (
          <Form.Item
            name="certificateNumber"
            label={t('admin.certificateNumber')}
            extra={t('admin.certificateHint')}
            rules={[{ required: true }]}
          >
            <Input maxLength={40} />
          </Form.Item>
        )}
        {(role === 'technician' || role === 'firm') && (
          <Form.Item name="phone" label={t('admin.phone')} rules={[{ pattern: /^[0-9+\- ]{5,20}$/ }]}>
            <Input inputMode="tel" />
          </Form.Item>
        )}
        {role === 'regulator' && (
          <Form.Item name="regionCode" label={t('admin.region')} rules={[{ required: true }]}>
            <RegionSelect />
          </Form.Item>
        )}
        {role === 'agent' && (
          <Form.Item name="unitId" label={t('admin.unitName')} rules={[{ required: true }]}>
            <UnitSelect />
          </Form.Item>
        )}
        {role === 'owner' && (
          <Form.Item name="ownerId" label={t('admin.ownerId')} rules={[{ required: true }]}>
            <OwnerSelect />
          </Form.Item>
        )}
      </CreateModal>
    </>
  );
}
