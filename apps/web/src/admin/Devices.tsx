import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { useCreate, CreateModal, useServerPage, SearchBox, Toolbar } from './shared';

export function Devices() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<{ serial: string; secret: string } | null>(null);
  const list = useServerPage('devices', async (query) =>
    unwrap(await api.GET('/api/v1/devices', { params: { query } })),
  );
  const elevators = useQuery({
    queryKey: ['elevators'],
    queryFn: async () => unwrap(await api.GET('/api/v1/elevators', { params: { query: { limit: 500 } } })),
  });
  const create = useCreate(['devices'], async (b: Schemas['CreateDeviceDto']) =>
    unwrap(await api.POST('/api/v1/devices', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchDevices')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: 600 }}
        columns={[
          {
            title: t('admin.serial'),
            dataIndex: 'serial',
            render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
          },
          {
            title: t('admin.elevator'),
            render: (_, d) =>
              elevators.data?.items.find((e) => e.id === d.elevatorId)?.registrationCode ?? d.elevatorId,
          },
          { title: t('admin.firmware'), dataIndex: 'firmware' },
          {
            title: t('admin.deviceStatus'),
            render: (_, d) => t(`deviceStatus.${d.revokedAt ? 'revoked' : 'active'}`),
          },
        ]}
      />
      <CreateModal
        title={t('admin.newDevice')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={async (v: Schemas['CreateDeviceDto']) => {
          const d = await create.mutateAsync(v);
          setSecret({ serial: d.device.serial, secret: d.secret });
        }}
      >
        <Form.Item name="serial" label={t('admin.serial')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="elevatorId" label={t('admin.elevator')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(elevators.data?.items ?? []).map((e) => ({ value: e.id, label: e.registrationCode }))}
          />
        </Form.Item>
        <Form.Item name="firmware" label={t('admin.firmware')}>
          <Input />
        </Form.Item>
      </CreateModal>
      <Modal
        open={secret !== null}
        title={t('admin.secretTitle')}
        onCancel={() => setSecret(null)}
        footer={<Button onClick={() => setSecret(null)}>{t('admin.secretDone')}</Button>}
      >
        <Alert type="warning" showIcon message={t('admin.secretOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph>
          {t('admin.serial')}: <Typography.Text code>{secret?.serial}</Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph
          copyable={{ text: secret?.secret ?? '', onCopy: () => void message.success(t('admin.copied')) }}
          data-testid="device-secret"
        >
          <Typography.Text code>{secret?.secret}</Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
