/** @jsxImportSource preact */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Schemas, unwrap } from '../../api/client';
import i18n, { setLang } from '../../i18n';
import './public.css';

const KINDS = ['trapped', 'stopped', 'door', 'noise', 'other'] as const;
type Kind = (typeof KINDS)[number];
type View = Schemas['PublicElevatorView'];
type Load = { state: 'loading' } | { state: 'ready'; e: View } | { state: 'failed'; error: unknown };

/** i18next's `t`, re-rendering the component when the language changes (no react-i18next here). */
function useTranslation(): { t: typeof i18n.t; i18n: typeof i18n } {
  const [, bump] = useState(0);
  useEffect(() => {
    const changed = () => bump((n) => n + 1);
    i18n.on('languageChanged', changed);
    return () => i18n.off('languageChanged', changed);
  }, []);
  return { t: i18n.t.bind(i18n), i18n };
}

const SERVICE_TONE: Record<string, { bg: string; tone: string }> = {
  trapped: { bg: '#fff1f0', tone: 'lw-pub-bad' },
  fault: { bg: '#fff7e6', tone: 'lw-pub-warn' },
  out_of_service: { bg: '#fff7e6', tone: 'lw-pub-warn' },
  inspection: { bg: '#f9f0ff', tone: 'lw-pub-plain' },
  offline: { bg: '#f5f5f5', tone: 'lw-pub-plain' },
  running: { bg: '#f6ffed', tone: 'lw-pub-ok' },
  idle: { bg: '#f6ffed', tone: 'lw-pub-ok' },
};

const INSPECTION_TONE: Record<string, string> = {
  ok: 'lw-pub-ok',
  due: 'lw-pub-warn',
  overdue: 'lw-pub-bad',
  failed: 'lw-pub-bad',
  unknown: 'lw-pub-plain',
};

function LangSwitch() {
  const { i18n } = useTranslation();
  return (
    <div class="lw-pub-langs" data-testid="lang-switch" role="group" aria-label="语言 / Language">
      {(
        [
          ['zh-CN', '中文'],
          ['en', 'EN'],
        ] as const
      ).map(([lng, label]) => (
        <button
          key={lng}
          type="button"
          aria-pressed={i18n.language === lng}
          onClick={() => void setLang(lng)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** Is the car in normal service — said plainly and large — and what is overdue beside it. */
function ServiceBanner({ e }: { e: View }) {
  const { t } = useTranslation();
  const state = e.status !== 'in_service' ? 'out_of_service' : e.serviceStatus;
  const c = SERVICE_TONE[state] ?? SERVICE_TONE.offline;
  const inspectionBad = e.inspection.state === 'overdue' || e.inspection.state === 'failed';
  return (
    <div
      class={`lw-pub-banner ${c?.tone ?? ''}`}
      style={{ background: c?.bg }}
      data-testid="public-service"
      data-status={state}
      role="status"
    >
      <strong>{t(`public.service.${state}`)}</strong>
      <span>{t(`public.serviceHint.${state}`)}</span>
      {inspectionBad && (
        <p data-testid="public-inspection-overdue">
          {t(
            e.inspection.state === 'failed'
              ? 'public.inspectionFailedPlain'
              : 'public.inspectionOverduePlain',
          )}
        </p>
      )}
      {e.maintenanceOverdue && (
        <p data-testid="public-maintenance-overdue">{t('public.maintenanceOverduePlain')}</p>
      )}
    </div>
  );
}

/** Not found, cut short, or the platform busy or out of reach — then what to do if trapped. */
function Failure({ error, code, retry }: { error: unknown; code: string; retry: () => void }) {
  const { t } = useTranslation();
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 404 || status === 400) {
    return (
      <div class="lw-pub-card" role="alert">
        <strong>{t('public.notFound')}</strong>
        <div class="lw-pub-muted" style={{ wordBreak: 'break-all' }}>
          {status === 400 ? t('public.badCode') : code}
        </div>
      </div>
    );
  }
  const seconds = error instanceof ApiError ? error.retryAfterSeconds : null;
  return (
    <div class="lw-pub-card" role="alert">
      <strong>{t('public.unavailable')}</strong>
      <p class="lw-pub-muted">
        {seconds ? t('public.unavailableBusy', { seconds }) : t('public.unavailableHint')}
      </p>
      <div class="lw-pub-alert lw-pub-bad" data-testid="public-trapped-fallback">
        {t('public.trappedFallback')}
      </div>
      <button type="button" class="lw-pub-btn" onClick={retry}>
        {t('public.retry')}
      </button>
    </div>
  );
}

function Facts({ e }: { e: View }) {
  const { t } = useTranslation();
  return (
    <div class="lw-pub-card">
      <dl class="lw-pub-facts">
        <dt>{t('public.firm')}</dt>
        <dd>
          {e.maintenanceFirm ? (
            <>
              <div data-testid="public-firm">{e.maintenanceFirm.name}</div>
              {e.maintenanceFirm.dutyPhone && (
                <a href={`tel:${e.maintenanceFirm.dutyPhone}`}>{e.maintenanceFirm.dutyPhone}</a>
              )}
            </>
          ) : (
            <span class="lw-pub-bad">{t('public.noFirm')}</span>
          )}
        </dd>
        <dt>{t('public.lastMaintained')}</dt>
        <dd>{e.lastMaintainedOn ?? '—'}</dd>
        <dt>{t('public.inspection')}</dt>
        <dd>
          <span class={`lw-pub-tag ${INSPECTION_TONE[e.inspection.state] ?? 'lw-pub-plain'}`}>
            {t(`public.inspectionState.${e.inspection.state}`)}
          </span>{' '}
          {e.inspection.validUntilMonth && t('public.validUntil', { month: e.inspection.validUntilMonth })}
        </dd>
        <dt>{t('public.insurance')}</dt>
        <dd>
          <span class={`lw-pub-tag ${e.insured ? 'lw-pub-ok' : 'lw-pub-plain'}`}>
            {e.insured ? t('public.insured') : t('public.notInsured')}
          </span>
        </dd>
        {(e.manufacturer || e.model) && (
          <>
            <dt>{t('public.maker')}</dt>
            <dd>{[e.manufacturer, e.model].filter(Boolean).join(' · ')}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** The passenger's report: what happened, in their words, and a number to call back. */
function Report({ e, code }: { e: View; code: string }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind | null>(null);
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [missingKind, setMissingKind] = useState(false);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (ev: Event) => {
    ev.preventDefault();
    if (!kind) {
      setMissingKind(true);
      return;
    }
    setSending(true);
    setError(null);
    void (async () => {
      try {
        unwrap(
          await api.POST('/api/v1/public/elevators/{registrationCode}/reports', {
            params: { path: { registrationCode: code } },
            body: {
              kind,
              description: description.trim() || undefined,
              contactPhone: phone.trim() || undefined,
            },
          }),
        );
        setSent(true);
      } catch (err) {
        if (err instanceof ApiError && err.status === 429)
          setError(t('public.tooMany', { number: e.emergencyHotline }));
        else if (err instanceof ApiError && err.fields.length > 0)
          setError(
            err.fields
              .map(
                (f) =>
                  `${f.field === 'contactPhone' ? t('public.contactPhone') : f.field}: ${f.messages.join(', ')}`,
              )
              .join('; '),
          );
        else setError(t('public.unavailable'));
      } finally {
        setSending(false);
      }
    })();
  };

  if (sent) {
    return (
      <div class="lw-pub-card" data-testid="public-report-sent" role="status">
        <strong class="lw-pub-ok">✓ {t('public.reportSent')}</strong>
        <p class="lw-pub-muted">{t('public.reportSentHint', { number: e.emergencyHotline })}</p>
      </div>
    );
  }
  return (
    <form class="lw-pub-card" onSubmit={submit} noValidate>
      <h2 style={{ fontSize: 18, margin: '0 0 8px' }}>{t('public.reportTitle')}</h2>
      <fieldset class="lw-pub-kinds">
        <legend style={{ marginBottom: 6 }}>{t('public.kind')}</legend>
        {KINDS.map((k) => (
          <label key={k} data-testid={`public-kind-${k}`}>
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setMissingKind(false);
              }}
            />
            {t(`public.kinds.${k}`)}
          </label>
        ))}
        {missingKind && <span class="lw-pub-bad">{t('public.kindRequired')}</span>}
      </fieldset>
      {kind === 'trapped' && (
        <div class="lw-pub-alert lw-pub-bad" role="alert">
          {t('public.trappedAlso', { number: e.emergencyHotline })}
        </div>
      )}
      <label class="lw-pub-field">
        {t('public.description')}
        <textarea
          rows={3}
          maxLength={500}
          value={description}
          onInput={(ev) => setDescription(ev.currentTarget.value)}
        />
        <span class="lw-pub-muted" style={{ alignSelf: 'flex-end', fontSize: 14 }}>
          {description.length} / 500
        </span>
      </label>
      <label class="lw-pub-field">
        {t('public.contactPhone')}
        <input
          inputMode="tel"
          maxLength={20}
          value={phone}
          onInput={(ev) => setPhone(ev.currentTarget.value)}
        />
        <span class="lw-pub-muted" style={{ fontSize: 15 }}>
          {t('public.contactHint')}
        </span>
      </label>
      {error && (
        <div class="lw-pub-alert lw-pub-bad" role="alert">
          {error}
        </div>
      )}
      <button type="submit" class="lw-pub-btn" disabled={sending} data-testid="public-report-submit">
        {t('public.send')}
      </button>
    </form>
  );
}

/**
 * The page behind the QR code in every car (一梯一码), for passengers and inspectors, without a
 * login: whether the car is in service, who to call, who maintains it and when it was last
 * maintained and inspected, whether it is insured; and a report that reaches the firm's panel.
 * Built without the dashboard's component library so that it opens quickly on a lobby's signal.
 */
export function PublicPage({ code }: { code: string }) {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const fetchPage = useCallback(async () => {
    setLoad({ state: 'loading' });
    try {
      const e = unwrap(
        await api.GET('/api/v1/public/elevators/{registrationCode}', {
          params: { path: { registrationCode: code } },
        }),
      );
      setLoad({ state: 'ready', e });
    } catch (error) {
      setLoad({ state: 'failed', error });
    }
  }, [code]);
  useEffect(() => {
    void fetchPage();
  }, [fetchPage]);
  useEffect(() => {
    document.title = `${t('public.title')} · ${code}`;
  }, [t, code]);

  return (
    <main class="lw-pub" data-testid="public-page">
      <div class="lw-pub-col">
        <header class="lw-pub-top">
          <h1 class="lw-pub-brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            {t('public.title')}
          </h1>
          <LangSwitch />
        </header>
        {load.state === 'loading' && (
          <div class="lw-pub-card lw-pub-muted" aria-busy="true">
            …
          </div>
        )}
        {load.state === 'failed' && <Failure error={load.error} code={code} retry={() => void fetchPage()} />}
        {load.state === 'ready' && (
          <>
            <div class="lw-pub-card">
              <div class="lw-pub-muted">{t('public.registrationCode')}</div>
              <div class="lw-pub-code" data-testid="public-code">
                {load.e.registrationCode}
              </div>
              <div>{load.e.place}</div>
            </div>
            <ServiceBanner e={load.e} />
            <div class="lw-pub-card lw-pub-emergency" data-testid="public-emergency">
              <strong>{t('public.trappedTitle')}</strong>
              <a class="lw-pub-call" href={`tel:${load.e.emergencyHotline}`} data-testid="public-hotline">
                ☎ {t('public.call', { number: load.e.emergencyHotline })}
              </a>
              {load.e.rescueCode && (
                <div>
                  {t('public.rescueCode')}{' '}
                  <strong style={{ fontSize: 20 }} data-testid="public-rescue-code">
                    {load.e.rescueCode}
                  </strong>
                </div>
              )}
              <div class="lw-pub-muted">{t('public.trappedHint')}</div>
            </div>
            <Facts e={load.e} />
            <Report e={load.e} code={code} />
            <p class="lw-pub-footer lw-pub-muted">
              {t('public.footer')}{' '}
              <a href={`/t/${encodeURIComponent(load.e.registrationCode)}`} data-testid="public-technician">
                {t('public.technician')}
              </a>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
