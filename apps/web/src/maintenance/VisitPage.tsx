import { CameraOutlined, CheckOutlined, DeleteOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Input,
  List,
  Radio,
  Segmented,
  Space,
  TimePicker,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { useElevatorByCode, useMaintenancePlan } from '../elevator/useElevatorByCode';
import { currentLang } from '../i18n';
import { inBusinessTz } from '../ui/format';
import { Loading } from '../ui/Loading';
import { submitVisit } from './visitOutbox';

type Level = Schemas['LevelDueView']['level'];
type Result = Schemas['ItemDto']['result'];
const LEVELS: Level[] = ['half_month', 'quarterly', 'half_year', 'annual'];
const RESULTS: Result[] = ['ok', 'adjusted', 'replaced', 'defect', 'not_applicable'];
const TECH_KEY = 'lw.technician';

/** The level to do today: the highest one due or overdue (a higher level includes the lower ones). */
function levelDue(levels: ReadonlyArray<{ level: Level; status: string }>): Level {
  const due = levels.filter((l) => l.status !== 'ok').map((l) => l.level);
  return [...LEVELS].reverse().find((l) => due.includes(l)) ?? 'half_month';
}

function rememberedTechnician(fallback: string): { name: string; certificateNumber: string } {
  try {
    const t = JSON.parse(localStorage.getItem(TECH_KEY) ?? 'null') as {
      name: string;
      certificateNumber: string;
    } | null;
    return t ?? { name: fallback, certificateNumber: '' };
  } catch {
    return { name: fallback, certificateNumber: '' };
  }
}

/**
 * A maintenance visit on the technician's phone: the TSG T5002 checklist of the level (every item
 * starts as "OK"; tap another result where needed), photos from the camera, notes and the
 * technician's sign-off. The record is kept on the phone and sent; if the connection fails it is
 * sent again later, and the platform stores it once (the phone's own reference).
 */
export default function VisitPage() {
  const { t } = useTranslation();
  const lang = currentLang();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const user = useUser();
  const elevator = useElevatorByCode(code);
  const id = elevator.data?.id;
  const plan = useMaintenancePlan(id);
  const [level, setLevel] = useState<Level | null>(null);
  useEffect(() => {
    if (plan.data && level === null) setLevel(levelDue(plan.data.levels));
  }, [plan.data, level]);
  const checklist = useQuery({
    queryKey: ['checklist', level],
    enabled: level !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/maintenance/checklist', {
          params: { query: { level: level ?? 'half_month', limit: 500 } },
        }),
      ).items,
  });
  const [results, setResults] = useState<Record<string, { result: Result; note: string }>>({});
  const [arrived, setArrived] = useState<Dayjs>(() => inBusinessTz(new Date()));
  const [photos, setPhotos] = useState<Array<{ blob: Blob; url: string }>>([]);
  const [tech, setTech] = useState(() => rememberedTechnician(user.displayName));
  const [remarks, setRemarks] = useState('');
  const [signed, setSigned] = useState(false);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  const items = useMemo(() => checklist.data ?? [], [checklist.data]);
  const resultOf = (code: string) => results[code] ?? { result: 'ok', note: '' };
  const exceptions = items.filter((i) => resultOf(i.code).result !== 'ok').length;
  const ready = tech.name.trim() !== '' && tech.certificateNumber.trim() !== '' && signed && items.length > 0;

  if (elevator.isLoading) return <Loading />;
  if (!elevator.data)
    return <Alert type="error" showIcon message={t('technician.notYours')} description={code} />;

  const submit = async () => {
    if (!id || !level) return;
    setBusy(true);
    try {
      localStorage.setItem(TECH_KEY, JSON.stringify(tech));
      const departed = new Date();
      const sent = await submitVisit({
        clientRef: crypto.randomUUID(),
        elevatorId: id,
        registrationCode: code,
        createdAt: departed.toISOString(),
        photos: photos.map((p) => p.blob),
        body: {
          kind: 'routine',
          level,
          arrivedAt: arrived.toISOString(),
          departedAt: departed.toISOString(),
          technicians: [{ name: tech.name.trim(), certificateNumber: tech.certificateNumber.trim() }],
          items: items.map((i) => {
            const r = resultOf(i.code);
            return { code: i.code, result: r.result, ...(r.note.trim() ? { note: r.note.trim() } : {}) };
          }),
          ...(remarks.trim() ? { remarks: remarks.trim() } : {}),
        },
      });
      if (sent) void message.success(t('visit.sent'));
      else void message.warning(t('visit.kept'));
      void navigate(`/t/${encodeURIComponent(code)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%', maxWidth: 560 }} data-testid="visit-page">
      <Card size="small">
        <Typography.Text type="secondary">{t('visit.title')}</Typography.Text>
        <Typography.Title level={4} style={{ margin: '2px 0', wordBreak: 'break-all' }}>
          {code}
        </Typography.Title>
        <Segmented<Level>
          block
          value={level ?? 'half_month'}
          onChange={(v) => setLevel(v)}
          options={LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
          data-testid="visit-level"
        />
        <Space style={{ marginTop: 8 }} wrap>
          <span>{t('visit.arrived')}</span>
          <TimePicker
            value={arrived}
            format="HH:mm"
            allowClear={false}
            inputReadOnly
            onChange={(v) => v && setArrived(v)}
          />
        </Space>
      </Card>

      <Card
        size="small"
        title={t('visit.checklist', { count: items.length })}
        extra={
          <Typography.Text type={exceptions ? 'warning' : 'secondary'} data-testid="visit-exceptions">
            {t('visit.exceptions', { count: exceptions })}
          </Typography.Text>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('visit.allOkHint')}
        </Typography.Paragraph>
        <List
          loading={checklist.isLoading}
          dataSource={items}
          renderItem={(i) => {
            const r = resultOf(i.code);
            return (
              <List.Item style={{ display: 'block', padding: '10px 0' }} data-testid={`visit-item-${i.code}`}>
                <Typography.Text strong>
                  {i.code} · {lang === 'en' ? i.titleEn : i.titleZh}
                </Typography.Text>
                <div style={{ color: '#8c8c8c', fontSize: 12, margin: '2px 0 6px' }}>{i.requirement}</div>
                <Radio.Group
                  optionType="button"
                  style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4 }}
                  value={r.result}
                  onChange={(e) =>
                    setResults((all) => ({ ...all, [i.code]: { ...r, result: e.target.value as Result } }))
                  }
                  options={RESULTS.map((x) => ({ value: x, label: t(`itemResult.${x}`) }))}
                />
                {r.result !== 'ok' && (
                  <Input
                    style={{ marginTop: 6 }}
                    placeholder={t('visit.itemNote')}
                    value={r.note}
                    maxLength={500}
                    onChange={(e) =>
                      setResults((all) => ({ ...all, [i.code]: { ...r, note: e.target.value } }))
                    }
                  />
                )}
              </List.Item>
            );
          }}
        />
      </Card>

      <Card size="small" title={t('visit.photos', { count: photos.length })}>
        <input
          ref={fileInput}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          multiple
          hidden
          data-testid="visit-photo-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            setPhotos((p) => [...p, ...files.map((f) => ({ blob: f, url: URL.createObjectURL(f) }))]);
            e.target.value = '';
          }}
        />
        <Space wrap>
          {photos.map((p, i) => (
            <div key={p.url} style={{ position: 'relative' }}>
              <img
                src={p.url}
                alt=""
                width={88}
                height={88}
                style={{ objectFit: 'cover', borderRadius: 6 }}
              />
              <Button
                size="small"
                shape="circle"
                icon={<DeleteOutlined />}
                aria-label={t('visit.removePhoto')}
                style={{ position: 'absolute', top: 2, right: 2 }}
                onClick={() => setPhotos((all) => all.filter((_, j) => j !== i))}
              />
            </div>
          ))}
          <Button
            icon={<CameraOutlined />}
            style={{ width: 88, height: 88 }}
            onClick={() => fileInput.current?.click()}
          >
            {t('visit.addPhoto')}
          </Button>
        </Space>
      </Card>

      <Card size="small" title={t('visit.signOff')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input
            addonBefore={t('visit.technician')}
            value={tech.name}
            maxLength={50}
            onChange={(e) => setTech({ ...tech, name: e.target.value })}
            data-testid="visit-tech-name"
          />
          <Input
            addonBefore={t('visit.certificate')}
            value={tech.certificateNumber}
            maxLength={50}
            onChange={(e) => setTech({ ...tech, certificateNumber: e.target.value })}
            data-testid="visit-tech-cert"
          />
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('visit.remarks')}
            value={remarks}
            onChange={(e) => setRemarks(e.target.value)}
          />
          <Checkbox checked={signed} onChange={(e) => setSigned(e.target.checked)} data-testid="visit-sign">
            {t('visit.confirm', { name: tech.name || '—', time: dayjs().format('HH:mm') })}
          </Checkbox>
          <Button
            type="primary"
            size="large"
            block
            icon={<CheckOutlined />}
            disabled={!ready}
            loading={busy}
            onClick={() => void submit()}
            data-testid="visit-submit"
          >
            {t('visit.submit')}
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
