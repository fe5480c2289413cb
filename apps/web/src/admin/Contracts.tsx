import { useQuery } from '@tanstack/react-query';
import { Form, Input, InputNumber, Select, Space, Table } from 'antd';
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

export function Contracts() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [building, setBuilding] = useState<string | undefined>();
  const [unit, setUnit] = useState<string | undefined>();
  const list = useServerPage('contracts', async (query) =>
    unwrap(await api.GET('/api/v1/maintenance/contracts', { params: { query } })),
  );
  const firms = useQuery({
    queryKey: ['orgs'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/organisations', { params: { query: { limit: 500 } } })),
  });
  const policies = useQuery({
    queryKey: ['interval-policies'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/maintenance/interval-policies', { params: { query: { limit: 100 } } })),
  });
  const elevators = useQuery({
    queryKey: ['elevators', 'unit', unit],
    enabled: !!unit,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/elevators', { params: { query: { limit: 100, unitId: unit } } })),
  });
  const create = useCreate(['contracts'], async (b: Schemas['CreateContractDto']) =>
    unwrap(await api.POST('/api/v1/maintenance/contracts', { body: b })),
  );
  return (
    <>
      <Toolbar onAdd={() => setOpen(true)}>
        <SearchBox onSearch={list.search} placeholder={t('admin.searchContracts')} />
      </Toolbar>
      <Table
        size="small"
        rowKey="id"
        {...list.table}
        scroll={{ x: 700 }}
        columns={[
          { title: t('elevator.contractNo'), dataIndex: 'contractNumber' },
          { title: t('elevator.firm'), dataIndex: 'firmName' },
          { title: t('admin.elevators'), render: (_, c) => c.elevatorIds.length },
          { title: t('elevator.term'), render: (_, c) => `${c.startsOn} ~ ${c.endsOn}` },
          { title: t('elevator.policy'), dataIndex: 'effectivePolicyCode' },
          {
            title: t('admin.contractStatus'),
            render: (_, c) => t(`contractStatus.${c.status}`, { defaultValue: c.status }),
          },
        ]}
      />
      <CreateModal
        title={t('admin.newContract')}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={(v: Omit<Schemas['CreateContractDto'], 'annualFeeFen'> & { annualFeeYuan: number }) => {
          const { annualFeeYuan, ...rest } = v;
          return create.mutateAsync({ ...rest, annualFeeFen: Math.round(annualFeeYuan * 100) });
        }}
      >
        <Form.Item label={t('admin.building')}>
          <BuildingSelect
            value={building}
            onChange={(v) => {
              setBuilding(v);
              setUnit(undefined);
            }}
          />
        </Form.Item>
        <Form.Item name="unitId" label={t('admin.unitName')} rules={[{ required: true }]}>
          <UnitSelect buildingId={building} onChange={setUnit} />
        </Form.Item>
        <Form.Item name="elevatorIds" label={t('admin.elevators')} rules={[{ required: true }]}>
          <Select
            mode="multiple"
            optionFilterProp="label"
            options={(elevators.data?.items ?? []).map((e) => ({ value: e.id, label: e.registrationCode }))}
          />
        </Form.Item>
        <Form.Item name="firmId" label={t('elevator.firm')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(firms.data?.items ?? [])
              .filter((o) => o.kind === 'maintenance_firm')
              .map((o) => ({ value: o.id, label: o.name }))}
          />
        </Form.Item>
        <Form.Item name="contractNumber" label={t('elevator.contractNo')} rules={[{ required: true }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item
          name="ownersRepresentative"
          label={t('admin.ownersRepresentative')}
          rules={[{ required: true }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="signedOn" label={t('admin.signedOn')} rules={[{ required: true }]}>
            <Input placeholder="2026-01-01" style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="startsOn" label={t('admin.startsOn')} rules={[{ required: true }]}>
            <Input placeholder="2026-01-01" style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="endsOn" label={t('admin.endsOn')} rules={[{ required: true }]}>
            <Input placeholder="2026-12-31" style={{ width: 130 }} />
          </Form.Item>
        </Space>
        <Form.Item name="annualFeeYuan" label={t('admin.annualFeeYuan')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="policyCode"
          label={t('elevator.policy')}
          initialValue="tsg-t5002"
          rules={[{ required: true }]}
        >
          <Select options={(policies.data?.items ?? []).map((p) => ({ value: p.code, label: p.name }))} />
        </Form.Item>
      </CreateModal>
    </>
  );
}
