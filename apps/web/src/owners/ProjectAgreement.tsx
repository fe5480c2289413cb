import { EyeOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../api/client';
import { fmtDate, fmtDateTime, fmtMoney } from '../ui/format';
import { type Project, schemeText } from './text';
import { AgreementForm, SCHEME_KINDS, problem, schemeForm, toBody } from './projectForms';

/** The scheme's kind and whether the Guangzhou coefficients fill it, for one split of the agreement. */
function SchemeFields({ name, label }: { name: 'construction' | 'running'; label: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={[name, 'kind']} label={label}>
        <Select
          style={{ width: 220 }}
          options={SCHEME_KINDS.filter((k) => k !== 'custom_percent').map((k) => ({
            value: k,
            label: t(`schemeKind.${k}`),
          }))}
        />
      </Form.Item>
      <Form.Item name={[name, 'guangzhou']} label={t('agreement.preset')}>
        <Select
          style={{ width: 200 }}
          options={[
            { value: true, label: t('agreement.guangzhou') },
            { value: false, label: '—' },
          ]}
        />
      </Form.Item>
    </>
  );
}

export function Agreement({ project: p, manager }: { project: Project; manager: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AgreementForm>();
  const model = Form.useWatch('operatingModel', form);
  const versions = useQuery({
    queryKey: ['agreements', p.id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/projects/{id}/agreements', {
          params: { path: { id: p.id }, query: { limit: 500 } },
        }),
      ).items,
  });
  const [preview, setPreview] = useState<Schemas['AgreementPreviewView'] | null>(null);
  const previewing = useMutation({
    mutationFn: async (f: AgreementForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/agreement/preview', {
          params: { path: { id: p.id } },
          body: toBody(f),
        }),
      ),
    onSuccess: setPreview,
  });
  const recording = useMutation({
    mutationFn: async (f: AgreementForm) =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/agreement', {
          params: { path: { id: p.id } },
          body: toBody(f),
        }),
      ),
    onSuccess: () => {
      setPreview(null);
      void message.success(t('agreement.recorded'));
      void qc.invalidateQueries({ queryKey: ['agreements', p.id] });
      void qc.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  const latest = versions.data?.[0];
  useEffect(() => {
    // start a new version from the one in force
    if (!latest) return;
    form.setFieldsValue({
      budgetYuan: latest.constructionBudgetFen / 100,
      subsidyYuan: latest.subsidyFen / 100,
      construction: schemeForm(latest.constructionScheme),
      running: schemeForm(latest.runningScheme),
      operatingModel: latest.operatingModel,
    });
  }, [latest, form]);
  const canRecord = manager && p.phase !== 'preparation';
  const totals = useMemo(
    () =>
      preview
        ? preview.flats.reduce(
            (a, f) => ({ c: a.c + f.constructionFen, s: a.s + f.subsidyFen, r: a.r + f.runningBasisPoints }),
            { c: 0, s: 0, r: 0 },
          )
        : null,
    [preview],
  );
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('agreement.versions')}>
        {(versions.data ?? []).length === 0 ? (
          <Typography.Text type="secondary">{t('agreement.none')}</Typography.Text>
        ) : (
          <Collapse
            size="small"
            defaultActiveKey={latest ? [latest.id] : []}
            items={(versions.data ?? []).map((a, i) => ({
              key: a.id,
              label: (
                <Space wrap>
                  {t('agreement.versionOf', { version: a.version, date: fmtDate(a.signedOn) })}
                  {i === 0 && <Tag color="green">{t('agreement.current')}</Tag>}
                </Space>
              ),
              children: (
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('agreement.budget')}>
                    {fmtMoney(a.constructionBudgetFen)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.subsidy')}>
                    {fmtMoney(a.subsidyFen)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.construction')}>
                    {schemeText(a.constructionScheme, t)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.running')}>
                    {schemeText(a.runningScheme, t)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.model')}>
                    {t(`operatingModel.${a.operatingModel}`)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('agreement.by')}>
                    {a.createdBy} · {fmtDateTime(a.createdAt)}
                  </Descriptions.Item>
                </Descriptions>
              ),
            }))}
          />
        )}
      </Card>
      {canRecord && (
        <Card size="small" title={t('agreement.draft', { version: (latest?.version ?? 0) + 1 })}>
          <Form<AgreementForm>
            form={form}
            layout="vertical"
            initialValues={{
              signedOn: dayjs(),
              construction: { kind: 'floor_coefficient', guangzhou: true },
              running: { kind: 'floor_coefficient', guangzhou: true },
              operatingModel: 'owner_run',
              paymentDueDay: 15,
            }}
            onValuesChange={() => setPreview(null)}
            onFinish={(f) => previewing.mutate(f)}
          >
            <Space wrap align="start">
              <Form.Item name="signedOn" label={t('agreement.signedOn')} rules={[{ required: true }]}>
                <DatePicker allowClear={false} />
              </Form.Item>
              <Form.Item name="budgetYuan" label={t('agreement.budgetYuan')} rules={[{ required: true }]}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} data-testid="agreement-budget" />
              </Form.Item>
              <Form.Item name="subsidyYuan" label={t('agreement.subsidyYuan')}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} />
              </Form.Item>
            </Space>
            <Space wrap align="start">
              <SchemeFields name="construction" label={t('agreement.construction')} />
              <Form.Item name="compensationYuan" label={t('agreement.compensationYuan')}>
                <InputNumber min={0} precision={2} style={{ width: 160 }} />
              </Form.Item>
            </Space>
            <Space wrap align="start">
              <SchemeFields name="running" label={t('agreement.running')} />
              <Form.Item name="operatingModel" label={t('agreement.model')}>
                <Select
                  style={{ width: 180 }}
                  options={(['owner_run', 'leased', 'shared'] as const).map((m) => ({
                    value: m,
                    label: t(`operatingModel.${m}`),
                  }))}
                />
              </Form.Item>
              {model === 'leased' && (
                <Form.Item name="leaseYuan" label={t('agreement.leaseYuan')} rules={[{ required: true }]}>
                  <InputNumber min={0} precision={2} />
                </Form.Item>
              )}
              {model === 'shared' && (
                <Form.Item name="rideYuan" label={t('agreement.rideYuan')} rules={[{ required: true }]}>
                  <InputNumber min={0} precision={2} />
                </Form.Item>
              )}
            </Space>
            <Space wrap align="start">
              <Form.Item name="payee" label={t('agreement.payee')} style={{ minWidth: 280 }}>
                <Input maxLength={200} />
              </Form.Item>
              <Form.Item name="paymentDueDay" label={t('agreement.dueDay')}>
                <InputNumber min={1} max={28} />
              </Form.Item>
            </Space>
            {(previewing.error ?? recording.error) && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 8 }}
                message={problem(previewing.error ?? recording.error, t('error.generic'))}
              />
            )}
            <Space wrap>
              <Button
                htmlType="submit"
                icon={<EyeOutlined />}
                loading={previewing.isPending}
                data-testid="agreement-preview"
              >
                {t('agreement.preview')}
              </Button>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                disabled={!preview}
                loading={recording.isPending}
                onClick={() => recording.mutate(form.getFieldsValue())}
                data-testid="agreement-record"
              >
                {t('agreement.record')}
              </Button>
              {!preview && <Typography.Text type="secondary">{t('agreement.previewFirst')}</Typography.Text>}
            </Space>
          </Form>
          {preview && totals && (
            <Table<Schemas['PreviewFlatView']>
              style={{ marginTop: 12 }}
              size="small"
              rowKey="flatId"
              data-testid="agreement-preview-table"
              dataSource={preview.flats}
              pagination={false}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('vote.flat'), dataIndex: 'number' },
                { title: t('vote.floor'), dataIndex: 'floor' },
                { title: t('vote.area'), dataIndex: 'areaM2', render: (a: number) => `${a} m²` },
                {
                  title: t('agreement.constructionShare'),
                  dataIndex: 'constructionFen',
                  align: 'right',
                  render: (v: number) => fmtMoney(v),
                },
                {
                  title: t('agreement.subsidyShare'),
                  dataIndex: 'subsidyFen',
                  align: 'right',
                  render: (v: number) => fmtMoney(v),
                },
                {
                  title: t('agreement.runningShare'),
                  dataIndex: 'runningBasisPoints',
                  align: 'right',
                  render: (v: number) => `${(v / 100).toFixed(2)}%`,
                },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={3}>
                    {t('agreement.total')}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    {fmtMoney(totals.c)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    {fmtMoney(totals.s)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell
                    index={5}
                    align="right"
                  >{`${(totals.r / 100).toFixed(2)}%`}</Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          )}
        </Card>
      )}
    </Space>
  );
}
