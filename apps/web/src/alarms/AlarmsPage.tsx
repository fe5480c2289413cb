import { PhoneOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, List, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLang } from '../i18n';
import { fmtDateTime } from '../ui/format';
import { useIsPhone } from '../ui/useIsPhone';
import { useUser } from '../api/session';
import { AlarmDrawer } from './AlarmDrawer';
import { CallModal } from './CallModal';
import { EscalationContacts } from './EscalationContacts';
import { Countdown } from './Countdown';
import { type Alarm, type AlarmFilter, isOpen, useAlarmCounts, useAlarms } from './useAlarms';

const SEVERITY_COLOR: Record<string, string> = { critical: 'red', major: 'orange', minor: 'default' };

/**
 * The alarm panel: new alarms arrive live (entrapments first), each with its rescue countdown;
 * filters by status, type and period, and counts by type. A row opens the alarm's handling.
 */
export default function AlarmsPage() {
  const { t } = useTranslation();
  const lang = currentLang();
  const phone = useIsPhone();
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const [type, setType] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState({ limit: 20, offset: 0 });
  const [selected, setSelected] = useState<string | null>(null);
  const [calling, setCalling] = useState(false);
  const [contacts, setContacts] = useState(false);
  const user = useUser();
  const office = user.role === 'firm' || user.role === 'admin';
  const filter: AlarmFilter = {
    status: status === 'all' ? undefined : status,
    type,
    from: range?.[0]?.startOf('day').toISOString(),
    to: range?.[1]?.endOf('day').toISOString(),
  };
  const { data, isFetching } = useAlarms(filter, page);
  const { data: counts } = useAlarmCounts(filter);
  const name = (a: { nameZh: string; nameEn: string }): string => (lang === 'en' ? a.nameEn : a.nameZh);
  const rescueRunning = (a: Alarm): boolean =>
    a.type === 'entrapment' && isOpen(a) && !a.arrivedAt && !a.conditionClearedTs;
  // an entrapment whose passengers are not out yet is pinned on top (the server orders it so)
  const pinned = (a: Alarm): boolean => a.type === 'entrapment' && isOpen(a) && !a.conditionClearedTs;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as typeof status);
            setPage({ ...page, offset: 0 });
          }}
          options={[
            { value: 'open', label: t('alarms.open') },
            { value: 'closed', label: t('alarms.closed') },
            { value: 'all', label: t('alarms.all') },
          ]}
          data-testid="alarm-status-filter"
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => {
            setRange(v);
            setPage({ ...page, offset: 0 });
          }}
          style={{ width: phone ? '100%' : 260 }}
          placeholder={[t('alarms.from'), t('alarms.to')]}
        />
        {office && (
          <Button danger icon={<PhoneOutlined />} onClick={() => setCalling(true)} data-testid="record-call">
            {t('call.button')}
          </Button>
        )}
        {(office || user.role === 'regulator') && (
          <Button icon={<TeamOutlined />} onClick={() => setContacts(true)} data-testid="escalation-contacts">
            {t('escalation.button')}
          </Button>
        )}
      </div>
      <Space wrap size={[8, 8]} data-testid="alarm-type-counts">
        <Tag.CheckableTag checked={!type} onChange={() => setType(undefined)}>
          {t('alarms.allTypes')}
        </Tag.CheckableTag>
        {(counts ?? []).map((c) => (
          <Tag.CheckableTag
            key={c.type}
            checked={type === c.type}
            onChange={(on) => setType(on ? c.type : undefined)}
          >
            {name(c)} {c.count}
          </Tag.CheckableTag>
        ))}
      </Space>
      <Card styles={{ body: { padding: phone ? 0 : 12 } }}>
        {phone ? (
          <List
            loading={isFetching && !data}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('alarms.none') }}
            pagination={{
              size: 'small',
              total: data?.total ?? 0,
              pageSize: page.limit,
              current: page.offset / page.limit + 1,
              onChange: (p) => setPage({ ...page, offset: (p - 1) * page.limit }),
            }}
            renderItem={(a) => (
              <List.Item
                onClick={() => setSelected(a.id)}
                style={{
                  padding: '10px 12px',
                  cursor: 'pointer',
                  background: pinned(a) ? '#fff1f0' : undefined,
                  borderInlineStart: pinned(a) ? '4px solid #cf1322' : undefined,
                }}
                data-alarm={a.id}
                data-pinned={pinned(a) ? 'true' : undefined}
              >
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                    <Space>
                      <Tag color={SEVERITY_COLOR[a.severity]}>{name(a)}</Tag>
                      <Typography.Text>{t(`alarmStatus.${a.status}`)}</Typography.Text>
                    </Space>
                    {rescueRunning(a) && <Countdown deadline={a.rescueDeadline} />}
                  </Space>
                  <Typography.Text className="lw-ellipsis">{a.place ?? a.registrationCode}</Typography.Text>
                  <Typography.Text type="secondary">{fmtDateTime(a.openedAt)}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table<Alarm>
            rowKey="id"
            size="middle"
            loading={isFetching && !data}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('alarms.none') }}
            onRow={(a) =>
              ({
                onClick: () => setSelected(a.id),
                style: { cursor: 'pointer', background: pinned(a) ? '#fff1f0' : undefined },
                'data-alarm': a.id,
                'data-pinned': pinned(a) ? 'true' : undefined,
              }) as React.HTMLAttributes<HTMLElement>
            }
            pagination={{
              total: data?.total ?? 0,
              pageSize: page.limit,
              current: page.offset / page.limit + 1,
              showSizeChanger: true,
              onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }),
            }}
            columns={[
              {
                title: t('alarms.type'),
                render: (_, a) => <Tag color={SEVERITY_COLOR[a.severity]}>{name(a)}</Tag>,
                width: 140,
              },
              {
                title: t('alarms.place'),
                render: (_, a) => <span className="lw-ellipsis">{a.place ?? '—'}</span>,
                ellipsis: true,
              },
              {
                title: t('alarms.code'),
                dataIndex: 'registrationCode',
                width: 200,
                render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
              },
              { title: t('alarms.openedAt'), render: (_, a) => fmtDateTime(a.openedAt), width: 150 },
              { title: t('alarms.status'), render: (_, a) => t(`alarmStatus.${a.status}`), width: 100 },
              {
                title: t('alarms.deadline'),
                width: 140,
                render: (_, a) =>
                  rescueRunning(a) ? (
                    <Countdown deadline={a.rescueDeadline} />
                  ) : a.arrivedAt ? (
                    t('alarms.arrivedShort')
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        )}
      </Card>
      <AlarmDrawer id={selected} onClose={() => setSelected(null)} />
      {office && <CallModal open={calling} onClose={() => setCalling(false)} onRecorded={setSelected} />}
      <EscalationContacts open={contacts} onClose={() => setContacts(false)} />
    </Space>
  );
}
