import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { useIsPhone } from '../ui/useIsPhone';
import { SignInLocks } from './SignInLocks';

/**
 * Enough registry management to set a new customer up without curl: organisations, buildings,
 * units, flats, elevators, devices (the secret shown once, with a copy button), maintenance
 * contracts (a firm sees an elevator while one of its contracts covers it) and users with their
 * bindings. Validation is the API's: its field errors land on the form's fields.
 */
export default function AdminPage() {
  const { t } = useTranslation();
  return (
    <Card size="small">
      <Tabs
        items={[
          { key: 'orgs', label: t('admin.organisations'), children: <Organisations /> },
          { key: 'buildings', label: t('admin.buildings'), children: <Buildings /> },
          { key: 'units', label: t('admin.unitsFlats'), children: <UnitsAndFlats /> },
          { key: 'elevators', label: t('admin.elevators'), children: <Elevators /> },
          { key: 'devices', label: t('admin.devices'), children: <Devices /> },
          { key: 'contracts', label: t('admin.contracts'), children: <Contracts /> },
          { key: 'users', label: t('admin.users'), children: <Users /> },
        ]}
      />
    </Card>
  );
}

/** Sends a form to the API; a 400's field errors are shown on the fields they name. */
function useCreate<B, R>(key: unknown[], send: (body: B) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}

function CreateModal<B extends object>({
  title,
  open,
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  onSubmit: (v: B) => Promise<unknown>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<B>();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('admin.create')}
      destroyOnHidden
      width={520}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<B>
        form={form}
        layout="vertical"
        onFinish={(v) => {
          void (async () => {
            setError(null);
            try {
              await onSubmit(v);
              form.resetFields();
              onClose();
            } catch (e) {
              if (e instanceof ApiError && e.fields.length > 0) {
                form.setFields(
                  e.fields.map((f) => ({ name: f.field.split('.'), errors: f.messages })) as never,
                );
              }
              setError(e instanceof ApiError ? e.message : t('error.generic'));
            }
          })();
        }}
      >
        {children}
      </Form>
    </Modal>
  );
}

/**
 * A list searched and paged on the server: an admin finds one record among thousands by typing
 * part of its name, and a record just created shows up when searched for.
 */
function useServerPage<T>(
  key: string,
  fetch: (page: { limit: number; offset: number; q?: string }) => Promise<{ items: T[]; total: number }>,
) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const query = useQuery({
    queryKey: [key, q, page.current, page.pageSize],
    queryFn: () =>
      fetch({ limit: page.pageSize, offset: (page.current - 1) * page.pageSize, q: q || undefined }),
    placeholderData: (previous) => previous,
  });
  return {
    search: (text: string) => {
      setQ(text.trim());
      setPage((p) => ({ ...p, current: 1 }));
    },
    table: {
      loading: query.isLoading,
      dataSource: query.data?.items ?? [],
      pagination: {
        ...page,
        total: query.data?.total ?? 0,
        size: 'small' as const,
        showSizeChanger: false,
        onChange: (current: number, pageSize: number) => setPage({ current, pageSize }),
      },
    },
  };
}

function SearchBox({ onSearch, placeholder }: { onSearch: (q: string) => void; placeholder: string }) {
  return (
    <Input.Search
      allowClear
      data-testid="admin-search"
      placeholder={placeholder}
      onSearch={onSearch}
      style={{ width: 260, maxWidth: '100%' }}
    />
  );
}

function Toolbar({ children, onAdd }: { children?: ReactNode; onAdd: () => void }) {
  const { t } = useTranslation();
  return (
    <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
      <Space wrap>{children}</Space>
      <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="admin-add">
        {t('admin.add')}
      </Button>
    </Space>
  );
}

const ORG_KINDS = [
  'maintenance_firm',
  'insurer',
  'manufacturer',
  'installer',
  'designer',
  'constructor',
] as const;

function Organisations() {
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

function RegionSelect(props: { value?: string; onChange?: (v: string) => void }) {
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/regions', { params: { query: { limit: 500 } } })),
  });
  return (
    <Select
      {...props}
      showSearch
      allowClear
      optionFilterProp="label"
      options={(regions.data?.items ?? []).map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }))}
    />
  );
}

function Buildings() {
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

function BuildingSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const list = useQuery({
    queryKey: ['buildings'],
    queryFn: async () => unwrap(await api.GET('/api/v1/buildings', { params: { query: { limit: 500 } } })),
  });
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      optionFilterProp="label"
      style={{ minWidth: 240 }}
      options={(list.data?.items ?? []).map((b) => ({ value: b.id, label: `${b.community} ${b.name}` }))}
    />
  );
}

function UnitSelect({
  value,
  onChange,
  buildingId,
}: {
  value?: string;
  onChange?: (v: string) => void;
  buildingId?: string;
}) {
  const list = useQuery({
    queryKey: ['units', buildingId],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/units', { params: { query: { limit: 500, buildingId } } })),
  });
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      optionFilterProp="label"
      style={{ minWidth: 200 }}
      options={(list.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.floorCount})` }))}
    />
  );
}

function UnitsAndFlats() {
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

function Elevators() {
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

function Devices() {
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

const ROLES = ['admin', 'firm', 'technician', 'owner', 'agent', 'insurer', 'regulator'] as const;

function Users() {
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

function Contracts() {
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

/** Owners by name (with the masked phone to tell namesakes apart). */
function OwnerSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const list = useQuery({
    queryKey: ['owners'],
    queryFn: async () => unwrap(await api.GET('/api/v1/owners', { params: { query: { limit: 500 } } })),
  });
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      optionFilterProp="label"
      options={(list.data?.items ?? []).map((o) => ({
        value: o.id,
        label: o.phone ? `${o.name} ${o.phone}` : o.name,
      }))}
    />
  );
}
