import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Form, Input, Space, Steps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { fmtDate } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { PHASES, type Phase, type Project } from './text';
import { problem } from './projectForms';

export function StartProject() {
  const { t } = useTranslation();
  const user = useUser();
  const qc = useQueryClient();
  const start = useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST('/api/v1/projects', { body: { unitId: user.unitId ?? '', name } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['projects'] }),
  });
  return (
    <Card title={t('project.start')}>
      <Form layout="vertical" onFinish={(v: { name: string }) => start.mutate(v.name)}>
        <Form.Item name="name" label={t('project.name')} rules={[{ required: true, max: 200 }]}>
          <Input placeholder={t('project.namePlaceholder')} />
        </Form.Item>
        {start.error && <Alert type="error" message={problem(start.error, t('error.generic'))} />}
        <Button type="primary" htmlType="submit" loading={start.isPending}>
          {t('project.start')}
        </Button>
      </Form>
    </Card>
  );
}

export function Phases({ project: p, manager }: { project: Project; manager: boolean }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const qc = useQueryClient();
  const next: Phase | undefined = PHASES[PHASES.indexOf(p.phase) + 1];
  const [on, setOn] = useState<Dayjs>(dayjs());
  const advance = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/projects/{id}/phase', {
          params: { path: { id: p.id } },
          body: { phase: next ?? 'in_operation', on: on.format('YYYY-MM-DD') },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['projects'] }),
  });
  return (
    <Card size="small">
      <Steps
        direction={phone ? 'vertical' : 'horizontal'}
        size="small"
        current={PHASES.indexOf(p.phase)}
        items={PHASES.map((ph) => ({
          title: t(`phase.${ph}`),
          description: p.phaseDates[ph] ? fmtDate(p.phaseDates[ph]) : t(`phaseHint.${ph}`),
        }))}
      />
      {manager && next && (
        <Space wrap style={{ marginTop: 16 }}>
          <span>{t('project.openNext', { phase: t(`phase.${next}`) })}</span>
          <DatePicker value={on} allowClear={false} onChange={(d) => d && setOn(d)} />
          <Button
            type="primary"
            loading={advance.isPending}
            onClick={() => advance.mutate()}
            data-testid="phase-next"
          >
            {t('project.open')}
          </Button>
        </Space>
      )}
      {advance.error && (
        <Alert
          style={{ marginTop: 8 }}
          type="error"
          showIcon
          message={problem(advance.error, t('error.generic'))}
        />
      )}
    </Card>
  );
}
