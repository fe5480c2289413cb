import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { fmtMoney } from '../ui/format';
import { type Project } from './text';
import { CostForm, problem } from './projectForms';

export function Costs({ project: p }: { project: Project }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form] = Form.useForm<CostForm>();
  const [page, setPage] = useState(1);
  const entries = useQuery({
    queryKey: ['cost-entries', p.id, page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/cost-entries', {
          params: { path: { id: p.id }, query: { limit: 10, offset: (page - 1) * 10 } },
        }),
      ),
  });
  const add = useMutation({
    mutationFn: async (f: CostForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/cost-entries', {
          params: { path: { id: p.id } },
          body: {
            occurredOn: f.occurredOn.format('YYYY-MM-DD'),
            category: f.category,
            amountFen: Math.round(f.amountYuan * 100),
            description: f.description,
          },
        }),
      ),
    onSuccess: () => {
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['cost-entries', p.id] });
    },
  });
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('costs.add')}>
        <Form<CostForm>
          form={form}
          layout="vertical"
          initialValues={{ occurredOn: dayjs(), category: 'repair' }}
          onFinish={(f) => add.mutate(f)}
        >
          <Space wrap align="start">
            <Form.Item name="occurredOn" label={t('costs.occurredOn')} rules={[{ required: true }]}>
              <DatePicker allowClear={false} />
            </Form.Item>
            <Form.Item name="category" label={t('costs.category')}>
              <Select
                style={{ width: 140 }}
                options={(['repair', 'parts', 'other'] as const).map((c) => ({
                  value: c,
                  label: t(`costs.categories.${c}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="amountYuan"
              label={t('costs.amountYuan')}
              rules={[{ required: true }]}
              extra={t('costs.negative')}
            >
              <InputNumber precision={2} style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={t('costs.description')} rules={[{ required: true, max: 500 }]}>
            <Input />
          </Form.Item>
          {add.error && (
            <Alert
              type="error"
              style={{ marginBottom: 8 }}
              message={problem(add.error, t('error.generic'))}
            />
          )}
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('costs.save')}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={t('costs.list')}>
        <Table<Schemas['CostEntryView']>
          size="small"
          rowKey="id"
          loading={entries.isLoading}
          dataSource={entries.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize: 10,
            total: entries.data?.total ?? 0,
            onChange: setPage,
            size: 'small',
          }}
          columns={[
            { title: t('costs.occurredOn'), dataIndex: 'occurredOn' },
            {
              title: t('costs.category'),
              dataIndex: 'category',
              render: (c: string) => t(`costs.categories.${c}`),
            },
            { title: t('costs.description'), dataIndex: 'description' },
            {
              title: t('costs.amount'),
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => fmtMoney(v),
            },
            { title: t('agreement.by'), dataIndex: 'createdBy' },
          ]}
        />
      </Card>
    </Space>
  );
}

export function Issue({ project: p }: { project: Project }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const months = useQuery({
    queryKey: ['issuable-months', p.id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects/{id}/issuable-months', { params: { path: { id: p.id } } })),
  });
  const open = (months.data?.months ?? []).filter((m) => !m.issued);
  const [picked, setPicked] = useState<string | null>(null);
  const month = picked ?? open[0]?.month ?? null;
  const issue = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/statements', {
          params: { path: { id: p.id } },
          body: { month: month ?? '' },
        }),
      ),
    onSuccess: () => {
      setPicked(null);
      void qc.invalidateQueries({ queryKey: ['statements'] });
      void qc.invalidateQueries({ queryKey: ['issuable-months', p.id] });
    },
  });
  // what went wrong, in the reader's language, with the next step
  const issueProblem = (e: unknown): string => {
    if (!(e instanceof ApiError)) return t('error.generic');
    if (e.code === 'STATEMENT_ISSUED') return t('issue.errors.issued');
    if (e.code === 'NOT_IN_OPERATION') return t('issue.errors.notInOperation');
    if (e.fields.some((f) => f.field === 'month')) return t('issue.errors.notEnded');
    return problem(e, t('error.generic'));
  };
  return (
    <Card size="small" title={t('issue.title')}>
      <Typography.Paragraph type="secondary">{t('issue.hint')}</Typography.Paragraph>
      {months.isError ? (
        <Alert type="error" showIcon message={t('issue.errors.load')} />
      ) : months.data && !months.data.inOperationSince ? (
        <Alert type="info" showIcon message={t('issue.errors.notInOperation')} />
      ) : (
        <Space wrap>
          <Select
            style={{ minWidth: 200 }}
            loading={months.isLoading}
            value={month ?? undefined}
            placeholder={t('issue.noneOpen')}
            onChange={(m: string) => setPicked(m)}
            data-testid="issue-month"
            options={(months.data?.months ?? []).map((m) => ({
              value: m.month,
              disabled: m.issued,
              label: m.issued ? `${m.month}（${t('issue.alreadyIssued')}）` : m.month,
            }))}
          />
          <Button
            type="primary"
            loading={issue.isPending}
            disabled={!month}
            onClick={() => issue.mutate()}
            data-testid="issue-statement"
          >
            {t('issue.button')}
          </Button>
        </Space>
      )}
      {months.data?.inOperationSince && open.length === 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('issue.allIssued')}
        </Typography.Paragraph>
      )}
      {issue.error && (
        <Alert style={{ marginTop: 8 }} type="error" showIcon message={issueProblem(issue.error)} />
      )}
      {issue.data && (
        <Alert
          style={{ marginTop: 8 }}
          type="success"
          showIcon
          message={t('issue.done', {
            number: issue.data.statementNumber,
            total: fmtMoney(issue.data.totalFen),
          })}
          description={<Link to="/statements">{t('issue.open')}</Link>}
        />
      )}
    </Card>
  );
}
