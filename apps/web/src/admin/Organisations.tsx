import { Form, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { useCreate, CreateModal, useServerPage, SearchBox, Toolbar, RegionSelect } from './shared';

const ORG_KINDS = [
  'maintenance_firm',
  'insurer',
  'manufacturer',
  'installer',
  'designer',
  'constructor',
] as const;

export function Organisations() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const list = useServerPage('orgs', async (query) =>
    unwrap(await api.GET('/api/v1/organisations', { params: { query } })),
  );
  const create = useCreate(['orgs'], async (b: Schemas['CreateOrganisationDto']) =>
    unwrap(await api.POST('/api/v1/organisations', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchOrgs')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: 600 }}
        columns={[
          { title: t('admin.name'), dataIndex: 'name' },
          { title: t('admin.kind'), render: (_, o) => t(`orgKind.${o.kind}`) },
          { title: t('admin.licence'), dataIndex: 'licenceNumber' },
          { title: t('admin.region'), dataIndex: 'regionCode' },
          { title: t('admin.dutyPhone'), dataIndex: 'dutyPhone' },
        ]}
      />
      <CreateModal
        title={t('admin.newOrganisation')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={(v: Schemas['CreateOrganisationDto']) => create.mutateAsync(v)}
      >
        <Form.Item name="kind" label={t('admin.kind')} rules={[{ required: true }]}>
          <Select options={ORG_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('admin.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="licenceNumber" label={t('admin.licence')}>
          <Input />
        </Form.Item>
        <Form.Item name="regionCode" label={t('admin.region')}>
          <RegionSelect />
        </Form.Item>
        <Form.Item name="creditRating" label={t('admin.credit')}>
          <Select allowClear options={['A', 'B', 'C', 'D'].map((v) => ({ value: v, label: v }))} />
        </Form.Item>
        <Form.Item name="dutyPhone" label={t('admin.dutyPhone')}>
          <Input />
        </Form.Item>
      </CreateModal>
    </>
  );
}
