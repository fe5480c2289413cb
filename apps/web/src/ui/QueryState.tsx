import { CloudOutlined, ReloadOutlined } from '@ant-design/icons';
import { type UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Typography } from 'antd';
import { Component, type ReactNode, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Loading } from './Loading';

function subscribeOnline(cb: () => void): () => void {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}
/** Whether the browser believes it has a network. */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

/** What went wrong, in the words a user needs: no network, the platform busy or down, or refused. */
export type Failure = 'offline' | 'unavailable' | 'failed';
export function failureOf(error: unknown): Failure {
  if (!navigator.onLine) return 'offline';
  if (error instanceof ApiError)
    return error.status >= 500 || error.status === 429 ? 'unavailable' : 'failed';
  // fetch rejects with a TypeError when the request never got an answer
  return error instanceof TypeError ? 'offline' : 'failed';
}

/** A failed load in words, with a retry; never an empty state. */
export function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const kind = failureOf(error);
  return (
    <Alert
      type={kind === 'offline' ? 'warning' : 'error'}
      showIcon
      icon={kind === 'offline' ? <CloudOutlined /> : undefined}
      data-testid={`load-${kind}`}
      message={t(`state.${kind}`)}
      description={
        kind === 'failed' && error instanceof Error && error.message ? error.message : t(`state.${kind}Hint`)
      }
      action={
        <Button icon={<ReloadOutlined />} onClick={onRetry} data-testid="load-retry">
          {t('state.retry')}
        </Button>
      }
    />
  );
}

/** The time the shown data was loaded, when a newer load failed. */
function StaleNote({ at }: { at: number }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" data-testid="load-stale">
      {t('state.staleSince', { time: new Date(at).toLocaleString() })}
    </Typography.Text>
  );
}

/**
 * One query's four states, each different on screen: loading (a spinner), failed (why, with a
 * retry — the last data stays shown, marked as of when), empty (the `empty` text), and the data.
 */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  // (a query that failed for want of network is fetched again when it returns: React Query's
  // refetchOnReconnect)
  if (query.isPending) return <Loading />;
  const failed = query.isError ? (
    <LoadFailed error={query.error} onRetry={() => void query.refetch()} />
  ) : null;
  if (query.data === undefined) return failed;
  const data = query.data;
  const body =
    isEmpty?.(data) && empty !== undefined ? (
      <Card>
        <Empty description={empty} />
      </Card>
    ) : (
      children(data)
    );
  return failed ? (
    <>
      {failed}
      <StaleNote at={query.dataUpdatedAt} />
      {body}
    </>
  ) : (
    body
  );
}

/**
 * A screen whose code could not be fetched (offline, or a new release replaced the files) says so
 * and offers to load it again instead of leaving a white page; it tries by itself when the network
 * returns.
 */
export class ScreenBoundary extends Component<
  { children: ReactNode; fallback: (retry: () => void) => ReactNode },
  { failed: boolean }
> {
  state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  private readonly retry = (): void => {
    // a lazy screen that failed to load stays failed in React's cache: load the page afresh
    window.location.reload();
  };
  private readonly onOnline = (): void => {
    if (this.state.failed) this.retry();
  };
  componentDidMount(): void {
    window.addEventListener('online', this.onOnline);
  }
  componentWillUnmount(): void {
    window.removeEventListener('online', this.onOnline);
  }
  render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.retry) : this.props.children;
  }
}

export function ScreenFailed({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  const online = useOnline();
  return (
    <Card data-testid="screen-failed">
      <Alert
        type={online ? 'error' : 'warning'}
        showIcon
        message={t(online ? 'state.screenFailed' : 'state.offline')}
        description={t(online ? 'state.screenFailedHint' : 'state.screenOfflineHint')}
        action={
          <Button icon={<ReloadOutlined />} onClick={retry} disabled={!online}>
            {t('state.retry')}
          </Button>
        }
      />
    </Card>
  );
}

/**
 * For screens whose lists keep their own layout (tables, virtual lists): says which load failed
 * and offers the retry above them, so a failed list never reads as an empty one.
 */
export function LoadFailures({
  queries,
}: {
  queries: ReadonlyArray<Pick<UseQueryResult, 'isError' | 'error' | 'refetch'>>;
}) {
  const failed = queries.filter((q) => q.isError);
  const first = failed[0];
  if (!first) return null;
  return <LoadFailed error={first.error} onRetry={() => failed.forEach((q) => void q.refetch())} />;
}
