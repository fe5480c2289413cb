import { Form, Input, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { useCreate, CreateModal, useServerPage, SearchBox, Toolbar, RegionSelect } from './shared';

export function Buildings() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const list = useServerPage('buildings', async (query) =>
    unwrap(await api.GET('/api/v1/buildings', { params: { query } })),
  );
  const create = useCreate(['buildings'], async (b: Schemas['CreateBuildingDto']) =>
    unwrap(await api.POST('/api/v1/buildings', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchBuildings')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: 600 }}
        columns={[
          { title: t('admin.community'), dataIndex: 'community' },
          { title: t('admin.buildingName'), dataIndex: 'name' },
          { title: t('admin.address'), dataIndex: 'address' },
          { title: t('admin.region'), dataIndex: 'regionCode' },
        ]}
      />
      <CreateModal
        title={t('admin.newBuilding')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={(v: Schemas['CreateBuildingDto']) => create.mutateAsync(v)}
      >
        <Form.Item name="regionCode" label={t('admin.region')} rules={[{ required: true }]}>
          <RegionSelect />
        </Form.Item>
        <Form.Item name="community" label={t('admin.community')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('admin.buildingName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="address" label={t('admin.address')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
      </CreateModal>
    </>
  );
}
