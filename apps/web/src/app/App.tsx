import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { LiveProvider } from '../api/live';
import { keepOffline, restoreOffline } from '../api/offlineCache';
import { SessionProvider, useSession } from '../api/session';
import { LoginPage } from '../login/LoginPage';
import { useLargeText } from '../ui/largeText';
import { useIsPhone } from '../ui/useIsPhone';
import { Loading } from '../ui/Loading';
import { ScreenBoundary, ScreenFailed } from '../ui/QueryState';
import { AppShell } from './AppShell';
import { homeOf, mayOpen, type Screen } from './screens';
import { type PendingVisit, useOutboxRunner } from '../maintenance/visitOutbox';

const FleetPage = lazy(() => import('../fleet/FleetPage'));
const AlarmsPage = lazy(() => import('../alarms/AlarmsPage'));
const ElevatorPage = lazy(() => import('../elevator/ElevatorPage'));
const PlanPage = lazy(() => import('../maintenance/PlanPage'));
const OversightPage = lazy(() => import('../oversight/OversightPage'));
const AdminPage = lazy(() => import('../admin/AdminPage'));
const TechnicianPage = lazy(() => import('../public/TechnicianPage'));
const JobsPage = lazy(() => import('../technician/JobsPage'));
const StatementsPage = lazy(() => import('../costs/StatementsPage'));
const ClaimsPage = lazy(() => import('../insurance/ClaimsPage'));
const VisitPage = lazy(() => import('../maintenance/VisitPage'));
const HomePage = lazy(() => import('../owners/HomePage'));
const ProjectPage = lazy(() => import('../owners/ProjectPage'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, retry: 1, refetchOnWindowFocus: false } },
});

function Authenticated() {
  const { user, token } = useSession();
  const location = useLocation();
  const qc = useQueryClient();
  // what the technician needs at the car without signal: back before the first render, kept after
  useState(() => user && restoreOffline(qc, user.id));
  const userId = user?.id;
  useEffect(() => (userId ? keepOffline(qc, userId) : undefined), [qc, userId]);
  const { message } = AntApp.useApp();
  const { t } = useTranslation();
  // a record sent later (kept on the phone without signal) is confirmed, and plans show it
  const stored = useCallback(
    (v: PendingVisit) => {
      void qc.invalidateQueries();
      void message.success(t('visit.storedLater', { code: v.registrationCode }), 8);
    },
    [qc, message, t],
  );
  useOutboxRunner(stored);
  // back to where the user was going once signed in (a technician's scanned code, a shared link)
  if (!user || !token)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const guard = (screen: Screen, page: ReactNode): ReactNode =>
    mayOpen(user.role, screen) ? page : <Navigate to={homeOf(user.role)} replace />;
  return (
    <LiveProvider token={token}>
      <AppShell>
        <ScreenBoundary key={location.pathname} fallback={(retry) => <ScreenFailed retry={retry} />}>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<Navigate to={homeOf(user.role)} replace />} />
              <Route path="/fleet" element={guard('/fleet', <FleetPage />)} />
              <Route path="/alarms" element={guard('/alarms', <AlarmsPage />)} />
              <Route path="/elevators/:id" element={<ElevatorPage />} />
              <Route path="/t" element={guard('/t', <JobsPage />)} />
              <Route path="/t/:code" element={<TechnicianPage />} />
              <Route path="/t/:code/visit" element={<VisitPage />} />
              <Route path="/home" element={guard('/home', <HomePage />)} />
              <Route path="/project" element={guard('/project', <ProjectPage />)} />
              <Route path="/maintenance" element={guard('/maintenance', <PlanPage />)} />
              <Route path="/statements" element={guard('/statements', <StatementsPage />)} />
              <Route path="/claims" element={guard('/claims', <ClaimsPage />)} />
              <Route path="/oversight" element={guard('/oversight', <OversightPage />)} />
              <Route path="/admin" element={guard('/admin', <AdminPage />)} />
              <Route path="*" element={<Navigate to={homeOf(user.role)} replace />} />
            </Routes>
          </Suspense>
        </ScreenBoundary>
      </AppShell>
    </LiveProvider>
  );
}

/**
 * The theme: AA contrast for text and links (antd's grey secondary text is 3.4:1, its links
 * 4.1:1), controls at least 44 px tall on phones, and the user's large-text mode.
 */
function useTheme(): ThemeConfig {
  const { user } = useSession();
  const [large] = useLargeText(user?.id ?? null);
  const phone = useIsPhone();
  const token: ThemeConfig['token'] = {
    colorPrimary: '#1456f0',
    colorLink: '#1456f0',
    colorInfo: '#1456f0',
    // status colours dark enough for text on white (antd's red 3.3:1, orange 1.9:1, green 2.3:1)
    colorError: '#cf1322',
    colorWarning: '#ad6800',
    colorSuccess: '#237804',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    borderRadius: 6,
    ...(phone ? { controlHeight: 44, controlHeightSM: 36, controlHeightLG: 48 } : {}),
    ...(large
      ? {
          fontSize: 18,
          fontSizeSM: 16,
          fontSizeLG: 20,
          controlHeight: 44,
          controlHeightSM: 36,
          controlHeightLG: 52,
        }
      : {}),
  };
  return { token };
}

function EmptyText() {
  const { t } = useTranslation();
  return (
    <div style={{ color: 'rgba(0, 0, 0, 0.65)', padding: 16, textAlign: 'center' }}>{t('state.empty')}</div>
  );
}

function Localised() {
  const { i18n } = useTranslation();
  const theme = useTheme();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={theme}
      // antd's empty text is #bfbfbf (1.8:1): readable words instead
      renderEmpty={() => <EmptyText />}
    >
      <AntApp>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/*" element={<Authenticated />} />
          </Routes>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <Localised />
      </SessionProvider>
    </QueryClientProvider>
  );
}
