import { Alert, Empty, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { fmtDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import { type AlarmDetail, useAlarmAction } from './useAlarms';
import { useTechnicians } from './useRescue';

/**
 * Dispatch names a technician of the firm: the platform suggests the one with the fewest open jobs,
 * then the one whose last check-in was nearest this car; the dispatcher may pick another.
 */
export function DispatchModal({
  alarm,
  open,
  onClose,
}: {
  alarm: AlarmDetail;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const candidates = useTechnicians(open ? alarm.id : null);
  const act = useAlarmAction();
  const [form] = Form.useForm<{ technicianId: string; note?: string }>();
  const suggested = candidates.data?.find((c) => c.suggested)?.id;
  useEffect(() => {
    if (open && suggested && !form.getFieldValue('technicianId'))
      form.setFieldsValue({ technicianId: suggested });
  }, [open, suggested, form]);

  const submit = async (v: { technicianId: string; note?: string }): Promise<void> => {
    try {
      await act.mutateAsync({
        id: alarm.id,
        action: 'dispatch',
        technicianId: v.technicianId,
        note: v.note?.trim() || undefined,
      });
      form.resetFields();
      onClose();
    } catch (e) {
      form.setFields([
        { name: 'technicianId', errors: [e instanceof ApiError ? e.message : t('error.generic')] },
      ]);
    }
  };

  return (
    <Modal
      open={open}
      title={
        alarm.workOrder && alarm.status === 'dispatched'
          ? t('rescue.reassignTitle')
          : t('rescue.dispatchTitle')
      }
      okText={t('alarmAction.dispatch')}
      okButtonProps={{
        disabled: !candidates.data?.length,
        ...({ 'data-testid': 'dispatch-confirm' } as Record<string, string>),
      }}
      confirmLoading={act.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {candidates.isLoading ? (
        <Loading />
      ) : candidates.isError ? (
        <Alert type="error" showIcon message={t('error.generic')} />
      ) : !candidates.data?.length ? (
        <Empty description={t('rescue.noTechnicians')} />
      ) : (
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="technicianId" rules={[{ required: true, message: t('rescue.pickTechnician') }]}>
            <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8, width: '100%' }}>
              {candidates.data.map((c) => (
                <Radio
                  key={c.id}
                  value={c.id}
                  data-testid="technician-option"
                  style={{ alignItems: 'flex-start' }}
                >
                  <Space direction="vertical" size={0}>
                    <Space wrap size={4}>
                      <Typography.Text strong>{c.displayName}</Typography.Text>
                      {c.suggested && <Tag color="green">{t('rescue.suggested')}</Tag>}
                      <Tag>{t('rescue.openJobs', { n: c.openJobs })}</Tag>
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {[
                        c.phone,
                        c.certificateNumber ? `${t('rescue.certificate')} ${c.certificateNumber}` : null,
                        c.lastCheckInAt
                          ? t('rescue.lastCheckIn', {
                              at: fmtDateTime(c.lastCheckInAt),
                              where: t(`rescue.near.${c.lastCheckInNear ?? 'elsewhere'}`),
                            })
                          : t('rescue.noCheckIn'),
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </Typography.Text>
                  </Space>
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="note" label={t('rescue.dispatchNote')}>
            <Input.TextArea rows={2} maxLength={1000} placeholder={t('rescue.dispatchNotePlaceholder')} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
