import { DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useFleet } from '../fleet/useFleet';
import { useRecordCall } from './useRescue';

const KINDS = ['trapped', 'stopped', 'door', 'noise', 'other'] as const;

/**
 * 登记来电: a call the dispatcher took. "有人被困" opens the car's entrapment with the rescue
 * clock from the time of the call (not of the typing), or joins the one already open.
 */
export function CallModal({
  open,
  onClose,
  onRecorded,
}: {
  open: boolean;
  onClose: () => void;
  onRecorded: (alarmId: string) => void;
}) {
  const { t } = useTranslation();
  const fleet = useFleet();
  const record = useRecordCall();
  const [form] = Form.useForm<{
    elevatorId: string;
    kind: (typeof KINDS)[number];
    calledAt: Dayjs;
    callbackPhone?: string;
    text?: string;
  }>();

  const submit = async (v: {
    elevatorId: string;
    kind: (typeof KINDS)[number];
    calledAt: Dayjs;
    callbackPhone?: string;
    text?: string;
  }): Promise<void> => {
    try {
      const a = await record.mutateAsync({
        elevatorId: v.elevatorId,
        kind: v.kind,
        calledAt: v.calledAt.toISOString(),
        callbackPhone: v.callbackPhone?.trim() || undefined,
        text: v.text?.trim() || undefined,
      });
      form.resetFields();
      onClose();
      onRecorded(a.id);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length)
        form.setFields(e.fields.map((f) => ({ name: f.field as 'calledAt', errors: f.messages })));
      else
        form.setFields([
          { name: 'elevatorId', errors: [e instanceof ApiError ? e.message : t('error.generic')] },
        ]);
    }
  };

  return (
    <Modal
      open={open}
      title={t('call.title')}
      okText={t('call.record')}
      confirmLoading={record.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'trapped', calledAt: dayjs() }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="elevatorId"
          label={t('call.elevator')}
          rules={[{ required: true, message: t('call.elevatorNeeded') }]}
        >
          <Select
            showSearch
            data-testid="call-elevator"
            placeholder={t('fleet.search')}
            optionFilterProp="label"
            loading={fleet.isLoading}
            options={(fleet.data ?? []).map((e) => ({
              value: e.elevatorId,
              label: `${e.community} ${e.buildingName} ${e.unitName} · ${e.rescueCode ?? ''} · ${e.registrationCode}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="kind" label={t('call.kind')}>
          <Radio.Group options={KINDS.map((k) => ({ value: k, label: t(`reportKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="calledAt" label={t('call.calledAt')} rules={[{ required: true }]}>
          <DatePicker showTime style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
        </Form.Item>
        <Form.Item
          name="callbackPhone"
          label={t('call.callbackPhone')}
          rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('call.phoneInvalid') }]}
        >
          <Input inputMode="tel" />
        </Form.Item>
        <Form.Item name="text" label={t('call.text')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
