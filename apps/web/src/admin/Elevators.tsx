import { Form, Input, InputNumber, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import {
  useCreate,
  CreateModal,
  useServerPage,
  SearchBox,
  Toolbar,
  BuildingSelect,
  UnitSelect,
} from './shared';

export function Elevators() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [building, setBuilding] = useState<string | undefined>();
  const list = useServerPage('elevators', async (query) =>
    unwrap(await api.GET('/api/v1/elevators', { params: { query } })),
  );
  const create = useCreate(['elevators'], async (b: Schemas['CreateElevatorDto']) =>
    unwrap(await api.POST('/api/v1/elevators', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchElevators')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: 600 }}
        columns={[
          {
            title: t('alarms.code'),
            dataIndex: 'registrationCode',
            render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
          },
          { title: t('elevator.rescueCode'), dataIndex: 'rescueCode' },
          { title: t('admin.model'), dataIndex: 'model' },
          { title: t('admin.commissioned'), dataIndex: 'commissionedOn' },
          { title: t('admin.notes'), render: (_, e) => e.registrationCodeNotes.join('; ') || '—' },
        ]}
      />
      <CreateModal
        title={t('admin.newElevator')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={(v: Schemas['CreateElevatorDto'] & { floors: number }) => {
          const { floors, ...rest } = v;
          return create.mutateAsync({
            ...rest,
            servedFloors: Array.from({ length: floors }, (_, i) => i + 1),
          });
        }}
      >
        <Form.Item label={t('admin.building')}>
          <BuildingSelect value={building} onChange={setBuilding} />
        </Form.Item>
        <Form.Item name="unitId" label={t('admin.unitName')} rules={[{ required: true }]}>
          <UnitSelect buildingId={building} />
        </Form.Item>
        <Form.Item
          name="registrationCode"
          label={t('alarms.code')}
          rules={[{ required: true, pattern: /^[0-9A-Za-z]{20}$/, message: t('admin.codeRule') }]}
        >
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="rescueCode" label={t('elevator.rescueCode')}>
          <Input maxLength={6} />
        </Form.Item>
        <Form.Item name="floors" label={t('admin.servedFloors')} rules={[{ required: true }]}>
          <InputNumber min={2} max={40} />
        </Form.Item>
        <Form.Item name="model" label={t('admin.model')}>
          <Input />
        </Form.Item>
        <Form.Item name="commissionedOn" label={t('admin.commissioned')}>
          <Input placeholder="2024-05-01" />
        </Form.Item>
      </CreateModal>
    </>
  );
}
