import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../api/client';

/** Sends a form to the API; a 400's field errors are shown on the fields they name. */
export function useCreate<B, R>(key: unknown[], send: (body: B) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}
export function CreateModal<B extends object>({
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
export function useServerPage<T>(
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
export function SearchBox({ onSearch, placeholder }: { onSearch: (q: string) => void; placeholder: string }) {
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
export function Toolbar({ children, onAdd }: { children?: ReactNode; onAdd: () => void }) {
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
export function RegionSelect(props: { value?: string; onChange?: (v: string) => void }) {
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
type Option = { value: string; label: string };
/**
 * A select whose options are searched on the server (a city has thousands of buildings and
 * owners): the first 50 matches of what is typed; the chosen one keeps its label while other
 * searches run.
 */
function ServerSearchSelect({
  value,
  onChange,
  queryKey,
  search,
  minWidth = 240,
}: {
  value?: string;
  onChange?: (v: string) => void;
  queryKey: string;
  search: (q: string | undefined) => Promise<Option[]>;
  minWidth?: number;
}) {
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<Option | null>(null);
  const list = useQuery({
    queryKey: [queryKey, 'search', q],
    queryFn: () => search(q || undefined),
    placeholderData: (previous) => previous,
  });
  const options = [...(list.data ?? [])];
  if (chosen && chosen.value === value && !options.some((o) => o.value === chosen.value))
    options.unshift(chosen);
  return (
    <Select
      value={value}
      onChange={(v: string) => {
        setChosen(options.find((o) => o.value === v) ?? null);
        onChange?.(v);
      }}
      showSearch
      filterOption={false}
      onSearch={setQ}
      loading={list.isFetching}
      style={{ minWidth }}
      options={options}
    />
  );
}
/** A building by community or name. */
export function BuildingSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  return (
    <ServerSearchSelect
      value={value}
      onChange={onChange}
      queryKey="buildings"
      search={async (q) =>
        unwrap(await api.GET('/api/v1/buildings', { params: { query: { limit: 50, q } } })).items.map(
          (b) => ({
            value: b.id,
            label: `${b.community} ${b.name}`,
          }),
        )
      }
    />
  );
}
export function UnitSelect({
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
/** Owners by name (with the masked phone to tell namesakes apart). */
export function OwnerSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  return (
    <ServerSearchSelect
      value={value}
      onChange={onChange}
      queryKey="owners"
      minWidth={200}
      search={async (q) =>
        unwrap(await api.GET('/api/v1/owners', { params: { query: { limit: 50, q } } })).items.map((o) => ({
          value: o.id,
          label: o.phone ? `${o.name} ${o.phone}` : o.name,
        }))
      }
    />
  );
}
