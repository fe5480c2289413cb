import { CameraOutlined, CheckOutlined, DeleteOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Input, Segmented, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { useElevatorByCode, useMaintenancePlan } from '../elevator/useElevatorByCode';
import { fmtDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import { type Answers, review, VisitChecklist } from './VisitChecklist';
import { type Countersign, VisitCountersign } from './VisitCountersign';
import { submitVisit } from './visitOutbox';

type Level = Schemas['LevelDueView']['level'];
const LEVELS: Level[] = ['half_month', 'quarterly', 'half_year', 'annual'];
const TECH_KEY = 'lw.technician';
const CHECK_IN_KEY = (code: string) => `lw.checkIn.${code}`;
/** a check-in older than this is a previous visit's */
const CHECK_IN_VALID_MS = 12 * 3_600_000;

/** The arrival the technician checked in at this car (on this phone), if still current. */
function rememberedCheckIn(code: string): Date | null {
  const at = Number(localStorage.getItem(CHECK_IN_KEY(code)));
  return at && Date.now() - at < CHECK_IN_VALID_MS ? new Date(at) : null;
}

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
 * A maintenance visit on the technician's phone, opened from the car's code: check in at the car
 * (the arrival is that moment, not a typed time), answer the TSG T5002 checklist of the level
 * (every item starts unanswered; safety-critical ones one by one), photos, the technician's
 * sign-off and the owners' countersignature on the screen. The record is kept on the phone and
 * sent; without signal it waits in the outbox and is sent when the signal returns, stored once.
 */
export default function VisitPage() {
  const { t } = useTranslation();
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
  const [answers, setAnswers] = useState<Answers>({});
  const [arrived, setArrived] = useState<Date | null>(() => rememberedCheckIn(code));
  const [photos, setPhotos] = useState<Array<{ blob: Blob; url: string }>>([]);
  const [tech, setTech] = useState(() => rememberedTechnician(user.displayName));
  const [remarks, setRemarks] = useState('');
  const [signed, setSigned] = useState(false);
  const [cs, setCs] = useState<Countersign>({
    signerName: '',
    signerTitle: '业主安全管理员',
    signature: null,
  });
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  const items = useMemo(() => checklist.data ?? [], [checklist.data]);
  const r = review(items, answers, photos.length);
  const countersigned = cs.signature !== null && cs.signerName.trim() !== '';
  const missing = [
    ...(arrived ? [] : [t('visit.missingCheckIn')]),
    ...(r.unanswered.length ? [t('visit.missingAnswers', { count: r.unanswered.length })] : []),
    ...(r.undescribed.length ? [t('visit.missingNotes', { count: r.undescribed.length })] : []),
    ...(r.needsPhoto ? [t('visit.missingPhoto')] : []),
    ...(tech.name.trim() && tech.certificateNumber.trim() ? [] : [t('visit.missingTechnician')]),
    ...(cs.signature && !cs.signerName.trim() ? [t('visit.missingSignerName')] : []),
  ];
  const ready = missing.length === 0 && signed && items.length > 0;

  if (elevator.isPending) return <Loading />;
  if (!elevator.data)
    return elevator.isError ? (
      <Alert type="warning" showIcon message={t('state.offline')} description={t('visit.notStoredYet')} />
    ) : (
      <Alert type="error" showIcon message={t('technician.notYours')} description={code} />
    );

  const checkIn = () => {
    const now = new Date();
    localStorage.setItem(CHECK_IN_KEY(code), String(now.getTime()));
    setArrived(now);
  };

  const submit = async () => {
    if (!id || !level || !arrived) return;
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
        countersignature:
          countersigned && cs.signature
            ? { signerName: cs.signerName.trim(), signerTitle: cs.signerTitle, signature: cs.signature }
            : null,
        body: {
          kind: 'routine',
          level,
          arrivedAt: arrived.toISOString(),
          departedAt: departed.toISOString(),
          technicians: [{ name: tech.name.trim(), certificateNumber: tech.certificateNumber.trim() }],
          items: items.map((i) => {
            const a = answers[i.code] ?? { note: '' };
            return {
              code: i.code,
              result: a.result ?? 'ok',
              ...(a.note.trim() ? { note: a.note.trim() } : {}),
            };
          }),
          ...(remarks.trim() ? { remarks: remarks.trim() } : {}),
        },
      });
      localStorage.removeItem(CHECK_IN_KEY(code));
      // stored: the app confirms it (as it does for a record sent later); kept: say where it is
      if (!sent) void message.warning(t('visit.kept'), 6);
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
          options={LEVELS.map((l) => ({ value: l, label: t(`levelShort.${l}`), title: t(`level.${l}`) }))}
          data-testid="visit-level"
        />
        <div style={{ marginTop: 8 }}>
          {arrived ? (
            <Typography.Text data-testid="visit-arrived">
              <EnvironmentOutlined /> {t('visit.checkedIn', { time: fmtDateTime(arrived.toISOString()) })}
            </Typography.Text>
          ) : (
            <Button
              type="primary"
              block
              size="large"
              icon={<EnvironmentOutlined />}
              onClick={checkIn}
              data-testid="visit-check-in"
            >
              {t('visit.checkIn')}
            </Button>
          )}
        </div>
      </Card>

      <VisitChecklist
        items={items}
        loading={checklist.isPending && level !== null}
        answers={answers}
        onChange={(c, a) => setAnswers((all) => ({ ...all, [c]: a }))}
      />
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

      <VisitCountersign value={cs} onChange={setCs} />

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
          {!countersigned && <Typography.Text type="secondary">{t('visit.noCountersign')}</Typography.Text>}
          {missing.length > 0 && (
            <Alert
              type="info"
              showIcon
              data-testid="visit-missing"
              message={t('visit.missing')}
              description={missing.join('；')}
            />
          )}
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
