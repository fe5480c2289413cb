import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { useCreate, CreateModal, BuildingSelect } from './shared';

export function UnitsAndFlats() {
  const { t } = useTranslation();
  const [building, setBuilding] = useState<string | undefined>();
  const [unit, setUnit] = useState<string | undefined>();
  const [openUnit, setOpenUnit] = useState(false);
  const [openFlat, setOpenFlat] = useState(false);
  const [flat, setFlat] = useState<string | undefined>();
  const [openOwners, setOpenOwners] = useState(false);
  const qc = useQueryClient();
  const ownerships = useQuery({
    queryKey: ['ownerships', flat],
    enabled: !!flat,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/flats/{id}/ownerships', {
          params: { path: { id: flat ?? '' }, query: { limit: 50 } },
        }),
      ),
  });
  const setOwners = useMutation({
    mutationFn: async (b: Schemas['TransferOwnershipDto']) =>
      unwrap(await api.PUT('/api/v1/flats/{id}/owners', { params: { path: { id: flat ?? '' } }, body: b })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['ownerships'] });
      void qc.invalidateQueries({ queryKey: ['owners'] });
    },
  });
  const units = useQuery({
    queryKey: ['units', building],
    enabled: !!building,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/units', { params: { query: { limit: 500, buildingId: building } } })),
  });
  const flats = useQuery({
    queryKey: ['flats', unit],
    enabled: !!unit,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/flats', { params: { query: { limit: 500, unitId: unit } } })),
  });
  const createUnit = useCreate(['units'], async (b: Schemas['CreateUnitDto']) =>
    unwrap(await api.POST('/api/v1/units', { body: b })),
  );
  const createFlat = useCreate(['flats'], async (b: Schemas['CreateFlatDto']) =>
    unwrap(await api.POST('/api/v1/flats', { body: b })),
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>{t('admin.building')}</Typography.Text>
        <BuildingSelect
          value={building}
          onChange={(v) => {
            setBuilding(v);
            setUnit(undefined);
          }}
        />
        <Button disabled={!building} icon={<PlusOutlined />} onClick={() => setOpenUnit(true)}>
          {t('admin.newUnit')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="id"
        dataSource={units.data?.items ?? []}
        pagination={false}
        rowSelection={{
          type: 'radio',
          selectedRowKeys: unit ? [unit] : [],
          onChange: (keys) => setUnit(String(keys[0])),
        }}
        columns={[
          { title: t('admin.unitName'), dataIndex: 'name' },
          { title: t('admin.floors'), dataIndex: 'floorCount' },
        ]}
      />
      <Space wrap>
        <Button disabled={!unit} icon={<PlusOutlined />} onClick={() => setOpenFlat(true)}>
          {t('admin.newFlat')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="id"
        dataSource={flats.data?.items ?? []}
        pagination={{ pageSize: 20, size: 'small' }}
        rowSelection={{
          type: 'radio',
          selectedRowKeys: flat ? [flat] : [],
          onChange: (keys) => setFlat(String(keys[0])),
        }}
        columns={[
          { title: t('admin.flatNumber'), dataIndex: 'number' },
          { title: t('admin.floor'), dataIndex: 'floor' },
          { title: t('admin.area'), dataIndex: 'areaM2' },
        ]}
      />
      <Space wrap>
        <Button
          disabled={!flat}
          icon={<PlusOutlined />}
          onClick={() => setOpenOwners(true)}
          data-testid="set-owners"
        >
          {t('admin.setOwners')}
        </Button>
      </Space>
      {flat && (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={ownerships.data?.items ?? []}
          locale={{ emptyText: t('admin.noOwners') }}
          columns={[
            { title: t('admin.ownerName'), dataIndex: 'ownerName' },
            { title: t('admin.share'), render: (_, o) => `${o.sharePercent} %` },
            { title: t('admin.validFrom'), dataIndex: 'validFrom' },
            { title: t('admin.validTo'), render: (_, o) => o.validTo ?? '—' },
          ]}
        />
      )}
      <CreateModal
        title={t('admin.setOwners')}
        open={openOwners}
        onClose={() => setOpenOwners(false)}
        onSubmit={(v: {
          effectiveFrom: string;
          owners: Array<{ name: string; phone?: string; sharePercent: number }>;
        }) =>
          setOwners.mutateAsync({
            effectiveFrom: v.effectiveFrom,
            owners: v.owners.map((o) => ({ ...o, phone: o.phone || undefined })),
          })
        }
      >
        <Form.Item name="effectiveFrom" label={t('admin.effectiveFrom')} rules={[{ required: true }]}>
          <Input placeholder="2026-01-01" />
        </Form.Item>
        <Form.List name="owners" initialValue={[{ sharePercent: 100 }]}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} wrap align="start">
                  <Form.Item
                    name={[f.name, 'name']}
                    label={t('admin.ownerName')}
                    rules={[{ required: true }]}
                  >
                    <Input style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'phone']} label={t('admin.phone')}>
                    <Input style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'sharePercent']}
                    label={t('admin.share')}
                    rules={[{ required: true }]}
                  >
                    <InputNumber min={1} max={100} precision={2} style={{ width: 90 }} />
                  </Form.Item>
                  {fields.length > 1 && (
                    <Button type="link" danger onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                      {t('admin.remove')}
                    </Button>
                  )}
                </Space>
              ))}
              <Button type="dashed" onClick={() => add({ sharePercent: 0 })} icon={<PlusOutlined />}>
                {t('admin.addOwner')}
              </Button>
            </>
          )}
        </Form.List>
      </CreateModal>
      <CreateModal
        title={t('admin.newUnit')}
        open={openUnit}
        onClose={() => setOpenUnit(false)}
        onSubmit={(v: { name: string; floorCount: number }) =>
          createUnit.mutateAsync({ ...v, buildingId: building ?? '' })
        }
      >
        <Form.Item name="name" label={t('admin.unitName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="floorCount" label={t('admin.floors')} rules={[{ required: true }]}>
          <InputNumber min={2} max={40} />
        </Form.Item>
      </CreateModal>
      <CreateModal
        title={t('admin.newFlat')}
        open={openFlat}
        onClose={() => setOpenFlat(false)}
        onSubmit={(v: { number: string; floor: number; areaM2: number }) =>
          createFlat.mutateAsync({ ...v, unitId: unit ?? '' })
        }
      >
        <Form.Item name="number" label={t('admin.flatNumber')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="floor" label={t('admin.floor')} rules={[{ required: true }]}>
          <InputNumber min={1} max={40} />
        </Form.Item>
        <Form.Item name="areaM2" label={t('admin.area')} rules={[{ required: true }]}>
          <InputNumber min={1} max={1000} step={0.01} />
        </Form.Item>
      </CreateModal>
    </Space>
  );
}
