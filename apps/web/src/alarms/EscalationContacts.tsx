import { DeleteOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Drawer,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, type Schemas } from '../api/client';
import { useUser } from '../api/session';
import { useIsPhone } from '../ui/useIsPhone';
import { useEscalationContactChange, useEscalationContacts } from './useRescue';

type NewContact = Schemas['CreateEscalationContactDto'];

/**
 * Who is told when an entrapment goes unacknowledged: the firm's on-call list (in order), its
 * managers, and (admins, regulators) a region's duty line — texted or paged, each step on the
 * alarm's timeline.
 */
export function EscalationContacts({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const user = useUser();
  const contacts = useEscalationContacts(open);
  const { add, remove } = useEscalationContactChange();
  const [form] = Form.useForm<NewContact>();
  const levels: Array<NewContact['level']> =
    user.role === 'firm'
      ? ['on_call', 'manager']
      : user.role === 'regulator'
        ? ['duty_line']
        : ['on_call', 'manager', 'duty_line'];
  const level = Form.useWatch('level', form);

  const submit = async (v: NewContact): Promise<void> => {
    try {
      await add.mutateAsync({
        ...v,
        phone: v.phone?.trim() || undefined,
        webhookUrl: v.webhookUrl?.trim() || undefined,
      });
      form.resetFields();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length)
        form.setFields(e.fields.map((f) => ({ name: f.field as keyof NewContact, errors: f.messages })));
      else
        form.setFields([{ name: 'name', errors: [e instanceof ApiError ? e.message : t('error.generic')] }]);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={phone ? '100%' : 520}
      title={t('escalation.title')}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('escalation.explain')}</Typography.Paragraph>
        {contacts.isError && <Alert type="error" showIcon message={t('error.generic')} />}
        <List
          loading={contacts.isLoading}
          dataSource={contacts.data ?? []}
          locale={{ emptyText: t('escalation.none') }}
          renderItem={(c) => (
            <List.Item
              data-testid="escalation-contact"
              actions={[
                <Popconfirm
                  key="rm"
                  title={t('escalation.removeConfirm')}
                  onConfirm={() => remove.mutate(c.id)}
                >
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('escalation.remove')} />
                </Popconfirm>,
              ]}
            >
              <Space direction="vertical" size={0}>
                <Space wrap size={4}>
                  <Tag>{t(`escalationLevel.${c.level}`)}</Tag>
                  {c.level === 'on_call' && <Tag>#{c.position}</Tag>}
                  <Typography.Text strong>{c.name}</Typography.Text>
                </Space>
                <Typography.Text type="secondary">
                  {[c.phone, c.webhookUrl, c.organisationName ?? c.regionName].filter(Boolean).join(' · ')}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
        <Typography.Title level={5}>{t('escalation.add')}</Typography.Title>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ level: levels[0], position: 1 }}
          onFinish={(v) => void submit(v)}
        >
          <Form.Item name="level" label={t('escalation.level')}>
            <Select options={levels.map((l) => ({ value: l, label: t(`escalationLevel.${l}`) }))} />
          </Form.Item>
          {level === 'on_call' && (
            <Form.Item name="position" label={t('escalation.position')}>
              <InputNumber min={1} max={99} />
            </Form.Item>
          )}
          {level === 'duty_line' && (
            <Form.Item
              name="regionCode"
              label={t('escalation.region')}
              rules={[
                {
                  required: user.role === 'admin',
                  pattern: /^[0-9]{6}$/,
                  message: t('escalation.regionInvalid'),
                },
              ]}
            >
              <Input placeholder={user.regionCode ?? '440106'} />
            </Form.Item>
          )}
          <Form.Item
            name="name"
            label={t('escalation.name')}
            rules={[{ required: true, message: t('escalation.nameNeeded') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('escalation.phone')}
            rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('call.phoneInvalid') }]}
          >
            <Input inputMode="tel" />
          </Form.Item>
          <Form.Item name="webhookUrl" label={t('escalation.webhook')}>
            <Input placeholder="https://" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('escalation.save')}
          </Button>
        </Form>
      </Space>
    </Drawer>
  );
}
