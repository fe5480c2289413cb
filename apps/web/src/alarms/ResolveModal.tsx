import { Alert, Form, Input, Modal, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { type AlarmDetail, useAlarmAction } from './useAlarms';
import { RELEASE_METHODS, type ReleaseMethod } from './useRescue';

/**
 * Closing an alarm. For an entrapment the car's data wins over a click: while the car still
 * reports a passenger aboard, the closer must say how the passengers got out and write what they
 * saw; without a release in the car's data the way out is still asked. The server decides — this
 * form only asks for what it will ask for, and shows its answer on the fields.
 */
export function ResolveModal({
  alarm,
  action,
  onClose,
}: {
  alarm: AlarmDetail;
  action: 'resolve' | 'false-alarm' | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const act = useAlarmAction();
  const [form] = Form.useForm<{ releaseMethod?: ReleaseMethod; note?: string }>();
  const entrapment = alarm.type === 'entrapment';
  const still = entrapment && alarm.carStillReports;
  const needMethod = entrapment && action === 'resolve' && (still || alarm.conditionClearedTs === null);
  const needNote = still;

  const submit = async (v: { releaseMethod?: ReleaseMethod; note?: string }): Promise<void> => {
    if (!action) return;
    try {
      await act.mutateAsync({
        id: alarm.id,
        action,
        note: v.note?.trim() || undefined,
        releaseMethod: action === 'false-alarm' ? (still ? 'false_report' : undefined) : v.releaseMethod,
      });
      form.resetFields();
      onClose();
    } catch (e) {
      if (e instanceof ApiError) {
        const message = e.code === 'STILL_TRAPPED' ? t('rescue.stillTrappedRefused') : e.message;
        form.setFields(
          e.fields.length
            ? e.fields
                .filter((f) => f.field === 'releaseMethod' || f.field === 'note')
                .map((f) => ({
                  name: f.field as 'releaseMethod' | 'note',
                  errors: [f.field === 'note' ? t('rescue.noteNeeded') : message],
                }))
            : [{ name: 'note', errors: [message] }],
        );
      } else form.setFields([{ name: 'note', errors: [t('error.generic')] }]);
    }
  };

  return (
    <Modal
      open={action !== null}
      title={action === 'false-alarm' ? t('rescue.falseAlarmTitle') : t('rescue.resolveTitle')}
      okText={action === 'false-alarm' ? t('alarmAction.false-alarm') : t('alarmAction.resolve')}
      okButtonProps={{
        danger: action === 'false-alarm',
        ...({ 'data-testid': 'resolve-confirm' } as Record<string, string>),
      }}
      confirmLoading={act.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {still && (
          <Alert
            type="error"
            showIcon
            message={t('rescue.stillReports')}
            data-testid="still-trapped-warning"
          />
        )}
        {entrapment && !still && alarm.conditionClearedTs && (
          <Alert type="success" showIcon message={t('rescue.releasedByCar')} />
        )}
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
          {entrapment && action === 'resolve' && (
            <Form.Item
              name="releaseMethod"
              label={t('rescue.howOut')}
              rules={needMethod ? [{ required: true, message: t('rescue.howOutNeeded') }] : []}
            >
              <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
                {RELEASE_METHODS.map((m) => (
                  <Radio key={m} value={m} data-testid={`release-${m}`} style={{ minHeight: 32 }}>
                    {t(`releaseMethod.${m}`)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
          )}
          <Form.Item
            name="note"
            label={t('rescue.note')}
            rules={needNote ? [{ required: true, min: 4, message: t('rescue.noteNeeded') }] : []}
          >
            <Input.TextArea
              rows={3}
              maxLength={1000}
              placeholder={t('rescue.notePlaceholder')}
              data-testid="resolve-note"
            />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}
